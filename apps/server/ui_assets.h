// UiAssets: the built web UI (ui/, made by `make build` into <build>/ui/dist) read into memory once
// at start-up and served from there, so no request ever touches the filesystem and no request path
// can name a file outside the UI: a path is a key in a map or it is not found.
//
// Each file keeps its bytes, a gzip copy when that is smaller (text types), its Content-Type by
// extension, an ETag (FNV-1a of the bytes) and its Cache-Control: Vite's content-hashed files under
// assets/ never change ("max-age=31536000, immutable"), index.html is Zipkin's "max-age=60", other
// files "max-age=600". In index.html the `<base href="/zipkin/"` written by the build is replaced
// by the configured base path (ZIPKIN_UI_BASEPATH), as Zipkin does.
//
// Immutable after Load; shared between threads as shared_ptr<const UiAssets>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "lib/base/status.h"

namespace cairn::server {

struct UiAsset {
  std::string body;
  std::string gzip_body;  // empty when compression does not pay
  std::string content_type;
  std::string etag;  // quoted
  std::string cache_control;
};

struct UiAssetLimits {
  std::size_t max_files = 2000;
  std::uint64_t max_total_bytes = 64ULL * 1024 * 1024;
};

class UiAssets {
 public:
  // Reads every regular file under `dir` (recursively; symbolic links and special files are
  // skipped). `base_path` is ZIPKIN_UI_BASEPATH ("/zipkin", or "/" for the root). Errors:
  // kNotFound when `dir` or `dir`/index.html does not exist, kResourceExhausted past `limits`,
  // kInternal when a file cannot be read.
  static Result<std::shared_ptr<const UiAssets>> Load(const std::string& dir,
                                                      std::string_view base_path,
                                                      UiAssetLimits limits = {});

  // The file at `path` relative to the UI root ("index.html", "assets/index-1a2b.js"), or
  // nullptr. `path` must have passed IsSafeAssetPath.
  const UiAsset* Find(std::string_view path) const;
  const UiAsset& index() const { return *index_; }
  std::size_t file_count() const { return files_.size(); }
  const std::string& dir() const { return dir_; }

 private:
  UiAssets() = default;

  std::string dir_;
  std::unordered_map<std::string, UiAsset> files_;
  const UiAsset* index_ = nullptr;
};

// Content-Type of a file by its extension (application/octet-stream when unknown).
std::string_view UiContentType(std::string_view path);

// Cache-Control of a file by its path (see the class comment).
std::string_view UiCacheControl(std::string_view path);

// A quoted strong ETag of `body`.
std::string UiEtag(std::string_view body);

// Whether a decoded request path may name a UI file: relative, no empty, "." or ".." segment, no
// backslash, no control character.
bool IsSafeAssetPath(std::string_view path);

// Whether a path that names no file is one of the single-page app's routes (served index.html):
// not under api/ or assets/ and its last segment has no file extension.
bool IsUiRoute(std::string_view path);

// The built UI next to the running binary: <exe dir>/../share/cairn/ui when installed,
// <exe dir>/../../ui/dist in a build tree (apps/server/cairn-server). Empty when neither holds an
// index.html.
std::string FindUiAssetsDir();

}  // namespace cairn::server
