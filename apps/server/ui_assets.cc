#include "apps/server/ui_assets.h"

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "apps/server/response_gzip.h"

namespace cairn::server {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMinCompressBytes = 512;

struct TypeByExtension {
  std::string_view extension;
  std::string_view content_type;
  bool compress;
};

constexpr std::array<TypeByExtension, 19> kTypes = {{
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json; charset=utf-8", true},
    {".map", "application/json; charset=utf-8", true},
    {".webmanifest", "application/manifest+json", true},
    {".svg", "image/svg+xml", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".wasm", "application/wasm", true},
    {".ico", "image/x-icon", true},
    {".png", "image/png", false},
    {".jpg", "image/jpeg", false},
    {".jpeg", "image/jpeg", false},
    {".gif", "image/gif", false},
    {".webp", "image/webp", false},
    {".woff2", "font/woff2", false},
    {".woff", "font/woff", false},
    {".ttf", "font/ttf", true},
}};

const TypeByExtension* FindType(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  std::string extension(name.substr(dot));
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  for (const TypeByExtension& type : kTypes) {
    if (type.extension == extension) return &type;
  }
  return nullptr;
}

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot open " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Internal("cannot read " + path.string());
  return data;
}

// The build writes <base href="/zipkin/">; the server's base path may differ.
void RewriteBaseHref(std::string& html, std::string_view base_path) {
  constexpr std::string_view kBuilt = "<base href=\"/zipkin/\"";
  std::size_t at = html.find(kBuilt);
  if (at == std::string::npos) return;
  std::string base(base_path);
  if (base.empty() || base.back() != '/') base += '/';
  html.replace(at, kBuilt.size(), "<base href=\"" + base + "\"");
}

}  // namespace

std::string_view UiContentType(std::string_view path) {
  const TypeByExtension* type = FindType(path);
  return type ? type->content_type : "application/octet-stream";
}

std::string_view UiCacheControl(std::string_view path) {
  if (path == "index.html") return "max-age=60";
  if (path.starts_with("assets/")) return "max-age=31536000, immutable";
  return "max-age=600";
}

std::string UiEtag(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  auto [end, ec] = std::to_chars(hex, hex + 16, hash, 16);
  return "\"" + std::string(hex, end) + "\"";
}

bool IsSafeAssetPath(std::string_view path) {
  if (path.empty()) return true;
  if (path.front() == '/') return false;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    for (char c : segment) {
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsUiRoute(std::string_view path) {
  if (path.empty()) return true;
  if (path == "api" || path.starts_with("api/") || path == "assets" ||
      path.starts_with("assets/")) {
    return false;
  }
  std::size_t slash = path.rfind('/');
  std::string_view last = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return last.find('.') == std::string_view::npos;
}

Result<std::shared_ptr<const UiAssets>> UiAssets::Load(const std::string& dir,
                                                       std::string_view base_path,
                                                       UiAssetLimits limits) {
  std::error_code ec;
  const fs::path root(dir);
  if (!fs::is_directory(root, ec)) return NotFound(dir + " is not a directory");
  if (!fs::is_regular_file(root / "index.html", ec)) return NotFound(dir + " has no index.html");

  std::shared_ptr<UiAssets> assets(new UiAssets());
  assets->dir_ = dir;
  std::uint64_t total = 0;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::none, ec);
  if (ec) return Internal("cannot list " + dir + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Internal("cannot list " + dir + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    // Only regular files, never followed links: nothing outside `dir` can be published.
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    std::string relative = entry.path().lexically_relative(root).generic_string();
    if (!IsSafeAssetPath(relative)) continue;
    if (assets->files_.size() >= limits.max_files) {
      return ResourceExhausted(dir + " holds more than " + std::to_string(limits.max_files) +
                               " files");
    }
    Result<std::string> data = ReadFile(entry.path());
    if (!data.ok()) return data.status();
    total += data->size();
    if (total > limits.max_total_bytes) {
      return ResourceExhausted(dir + " holds more than " + std::to_string(limits.max_total_bytes) +
                               " bytes");
    }
    UiAsset asset;
    asset.body = std::move(data).value();
    if (relative == "index.html") RewriteBaseHref(asset.body, base_path);
    const TypeByExtension* type = FindType(relative);
    asset.content_type = std::string(UiContentType(relative));
    asset.cache_control = std::string(UiCacheControl(relative));
    asset.etag = UiEtag(asset.body);
    if (type && type->compress && asset.body.size() >= kMinCompressBytes) {
      Result<std::string> gzipped = Gzip(asset.body);
      if (gzipped.ok() && gzipped->size() + 64 < asset.body.size()) {
        asset.gzip_body = std::move(gzipped).value();
      }
    }
    assets->files_.emplace(std::move(relative), std::move(asset));
  }
  assets->index_ = &assets->files_.at("index.html");
  return std::shared_ptr<const UiAssets>(std::move(assets));
}

const UiAsset* UiAssets::Find(std::string_view path) const {
  auto it = files_.find(std::string(path));
  return it == files_.end() ? nullptr : &it->second;
}

std::string FindUiAssetsDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path exe_dir = exe.parent_path();
  for (const fs::path& candidate :
       {exe_dir / ".." / "share" / "cairn" / "ui", exe_dir / ".." / ".." / "ui" / "dist"}) {
    if (fs::is_regular_file(candidate / "index.html", ec)) {
      return fs::weakly_canonical(candidate, ec).string();
    }
  }
  return {};
}

}  // namespace cairn::server
