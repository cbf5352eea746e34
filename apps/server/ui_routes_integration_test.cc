// The web UI's hosting: UiAssets (loading, types, caching, limits, links) and the /zipkin/ routes
// of a real server (files, deep links to index.html, 304, gzip, 404s, path traversal, placeholder).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "apps/server/server_test_util.h"
#include "apps/server/ui_assets.h"
#include "lib/codec/gzip.h"

namespace cairn::server {
namespace {

namespace fs = std::filesystem;
namespace http = net::http;

using testing::Header;
using testing::TempDir;
using testing::TestConfig;
using testing::TestServer;

constexpr std::string_view kIndex =
    "<!doctype html><html><head><base href=\"/zipkin/\" /><script type=\"module\" "
    "src=\"./assets/index-AbC123.js\"></script></head><body><div id=\"app\"></div></body></html>";

void Write(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

// A built UI: index.html, a large compressible script, a stylesheet, an icon, an image.
class UiDir {
 public:
  UiDir() {
    Write(root() / "index.html", kIndex);
    for (int i = 0; i < 400; ++i)
      script_ += "console.log('cairn ui line " + std::to_string(i) + "');\n";
    Write(root() / "assets" / "index-AbC123.js", script_);
    Write(root() / "assets" / "index-9f8e.css", "body{margin:0}");
    Write(root() / "favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Write(root() / "img" / "logo.png", std::string("\x89PNG\r\n\x1a\n", 8));
    // Outside the UI directory: must never be served.
    Write(fs::path(tmp_.path()) / "secret.txt", "top secret");
  }
  fs::path root() const { return fs::path(tmp_.path()) / "dist"; }
  const std::string& script() const { return script_; }

 private:
  TempDir tmp_;
  std::string script_;
};

TEST(UiAssetsTest, LoadsFilesWithTypesCachingEtagsAndGzip) {
  UiDir dir;
  auto loaded = UiAssets::Load(dir.root().string(), "/zipkin");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const UiAssets& assets = **loaded;
  EXPECT_EQ(assets.file_count(), 5u);

  const UiAsset* script = assets.Find("assets/index-AbC123.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->body, dir.script());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script->cache_control, "max-age=31536000, immutable");
  ASSERT_FALSE(script->gzip_body.empty());
  auto gunzipped = codec::Gunzip(script->gzip_body, 1 << 20);
  ASSERT_TRUE(gunzipped.ok());
  EXPECT_EQ(*gunzipped, dir.script());
  EXPECT_EQ(script->etag, UiEtag(dir.script()));
  EXPECT_EQ(script->etag.front(), '"');

  EXPECT_EQ(assets.index().cache_control, "max-age=60");
  EXPECT_EQ(assets.index().content_type, "text/html; charset=utf-8");
  EXPECT_EQ(assets.Find("favicon.svg")->content_type, "image/svg+xml");
  EXPECT_EQ(assets.Find("favicon.svg")->cache_control, "max-age=600");
  EXPECT_TRUE(assets.Find("favicon.svg")->gzip_body.empty());  // too small to pay
  EXPECT_EQ(assets.Find("img/logo.png")->content_type, "image/png");
  EXPECT_EQ(assets.Find("assets/missing.js"), nullptr);
  EXPECT_EQ(assets.Find("../secret.txt"), nullptr);
}

TEST(UiAssetsTest, RewritesTheBaseHrefToTheConfiguredBasePath) {
  UiDir dir;
  auto custom = UiAssets::Load(dir.root().string(), "/tracing/ui");
  ASSERT_TRUE(custom.ok());
  EXPECT_NE((*custom)->index().body.find("<base href=\"/tracing/ui/\" />"), std::string::npos);
  auto root = UiAssets::Load(dir.root().string(), "/");
  ASSERT_TRUE(root.ok());
  EXPECT_NE((*root)->index().body.find("<base href=\"/\" />"), std::string::npos);
}

TEST(UiAssetsTest, RefusesMissingDirectoriesAndEnforcesLimits) {
  UiDir dir;
  auto missing = UiAssets::Load((dir.root() / "nope").string(), "/zipkin");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("is not a directory"), std::string::npos);
  fs::remove(dir.root() / "index.html");
  auto no_index = UiAssets::Load(dir.root().string(), "/zipkin");
  EXPECT_EQ(no_index.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_index.status().message().find("has no index.html"), std::string::npos);

  UiDir full;
  auto too_many = UiAssets::Load(full.root().string(), "/zipkin", {.max_files = 3});
  EXPECT_EQ(too_many.status().code(), StatusCode::kResourceExhausted);
  auto too_big = UiAssets::Load(full.root().string(), "/zipkin", {.max_total_bytes = 1000});
  EXPECT_EQ(too_big.status().code(), StatusCode::kResourceExhausted);
}

TEST(UiAssetsTest, NeverFollowsSymbolicLinks) {
  UiDir dir;
  std::error_code ec;
  fs::create_symlink(dir.root() / ".." / "secret.txt", dir.root() / "leak.txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  fs::create_directory_symlink(dir.root() / "..", dir.root() / "up", ec);
  ASSERT_FALSE(ec) << ec.message();
  auto loaded = UiAssets::Load(dir.root().string(), "/zipkin");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->Find("leak.txt"), nullptr);
  EXPECT_EQ((*loaded)->Find("up/secret.txt"), nullptr);
  EXPECT_EQ((*loaded)->file_count(), 5u);
}

TEST(UiAssetsTest, PathRules) {
  for (std::string_view safe : {"", "index.html", "assets/a-1.js", "traces/abc", "a/b/c"}) {
    EXPECT_TRUE(IsSafeAssetPath(safe)) << safe;
  }
  using namespace std::string_view_literals;
  const std::string_view unsafe_paths[] = {"..", "../x", "a/../b",   "./x",  "a/./b", "a//b",
                                           "a/", "/etc", "a\\..\\b", "a\nb", "a\0b"sv};
  for (std::string_view unsafe : unsafe_paths) {
    EXPECT_FALSE(IsSafeAssetPath(unsafe)) << unsafe;
  }
  for (std::string_view route : {"", "traces/abc", "dependency", "traceViewer", "x/y"}) {
    EXPECT_TRUE(IsUiRoute(route)) << route;
  }
  for (std::string_view file : {"api/v2/nope", "api", "assets/x", "favicon.ico", "a/b.js"}) {
    EXPECT_FALSE(IsUiRoute(file)) << file;
  }
  EXPECT_EQ(UiContentType("a/b.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(UiContentType("font.woff2"), "font/woff2");
  EXPECT_EQ(UiContentType("LICENSE"), "application/octet-stream");
}

class UiRoutesTest : public ::testing::Test {
 protected:
  ServerConfig Config() {
    ServerConfig config = TestConfig();
    config.ui.assets_dir = dir_.root().string();
    return config;
  }
  UiDir dir_;
};

TEST_F(UiRoutesTest, ServesIndexForTheAppAndEveryDeepLink) {
  TestServer server(Config());
  for (const char* path :
       {"/zipkin/", "/zipkin/index.html", "/zipkin/traces/463ac35c9f6413ad", "/zipkin/dependency",
        "/zipkin/dependency?lookback=1h", "/zipkin/traceViewer", "/zipkin/?serviceName=frontend"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::ok) << path;
    EXPECT_EQ(res.body(), kIndex) << path;
    EXPECT_EQ(Header(res, http::field::content_type), "text/html; charset=utf-8") << path;
    EXPECT_EQ(Header(res, http::field::cache_control), "max-age=60") << path;
    EXPECT_EQ(Header(res, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_NE(Header(res, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  }
}

TEST_F(UiRoutesTest, ServesAssetsWithCachingEtagsAndGzip) {
  TestServer server(Config());
  net::Response plain = server.Get("/zipkin/assets/index-AbC123.js");
  ASSERT_EQ(plain.result(), http::status::ok);
  EXPECT_EQ(plain.body(), dir_.script());
  EXPECT_EQ(Header(plain, http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(plain, http::field::cache_control), "max-age=31536000, immutable");
  EXPECT_EQ(Header(plain, http::field::content_encoding), "");
  EXPECT_EQ(Header(plain, http::field::vary), "Accept-Encoding");
  EXPECT_EQ(Header(plain, "Content-Security-Policy"), "");

  net::Response gzipped =
      server.Get("/zipkin/assets/index-AbC123.js", {{"Accept-Encoding", "gzip, deflate"}});
  ASSERT_EQ(gzipped.result(), http::status::ok);
  EXPECT_EQ(Header(gzipped, http::field::content_encoding), "gzip");
  auto body = codec::Gunzip(gzipped.body(), 1 << 20);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, dir_.script());

  const std::string etag = Header(plain, http::field::etag);
  ASSERT_FALSE(etag.empty());
  net::Response cached = server.Get("/zipkin/assets/index-AbC123.js", {{"If-None-Match", etag}});
  EXPECT_EQ(cached.result(), http::status::not_modified);
  EXPECT_TRUE(cached.body().empty());
  EXPECT_EQ(Header(cached, http::field::etag), etag);

  net::Response css = server.Get("/zipkin/assets/index-9f8e.css");
  EXPECT_EQ(Header(css, http::field::content_type), "text/css; charset=utf-8");
  EXPECT_EQ(server.Get("/zipkin/favicon.svg").body(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

TEST_F(UiRoutesTest, AnswersNotFoundForMissingFilesAndUnknownApiPaths) {
  TestServer server(Config());
  for (const char* path : {"/zipkin/assets/index-missing.js", "/zipkin/missing.png",
                           "/zipkin/favicon.ico", "/zipkin/api/v2/nope", "/zipkin/assets/"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::not_found) << path;
    EXPECT_EQ(res.body().find("<html"), std::string::npos) << path;
  }
  // The API and config.json keep their own routes.
  EXPECT_EQ(server.Get("/zipkin/api/v2/services").body(), "[]");
  EXPECT_EQ(server.Get("/zipkin/config.json").result(), http::status::ok);
}

TEST_F(UiRoutesTest, RefusesPathTraversal) {
  TestServer server(Config());
  for (const char* path :
       {"/zipkin/../secret.txt", "/zipkin/..%2fsecret.txt", "/zipkin/%2e%2e/secret.txt",
        "/zipkin/assets/..%2F..%2Fsecret.txt", "/zipkin/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/zipkin/./index.html", "/zipkin//etc/passwd", "/zipkin/..%5csecret.txt",
        "/zipkin/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/zipkin/a%00b"}) {
    net::Response res = server.Get(path);
    EXPECT_TRUE(res.result() == http::status::not_found ||
                res.result() == http::status::bad_request)
        << path << " -> " << res.result_int();
    EXPECT_EQ(res.body().find("top secret"), std::string::npos) << path;
    EXPECT_EQ(res.body().find("root:"), std::string::npos) << path;
  }
}

TEST_F(UiRoutesTest, HonoursTheBasePath) {
  ServerConfig config = Config();
  config.ui.base_path = "/tracing";
  TestServer server(config);
  EXPECT_NE(server.Get("/zipkin/traces/abc").body().find("<base href=\"/tracing/\""),
            std::string::npos);
}

TEST_F(UiRoutesTest, ServesAPlaceholderSayingWhyWhenTheUiCannotBeLoaded) {
  ServerConfig config = Config();
  config.ui.assets_dir = (dir_.root() / "missing").string();
  TestServer server(config);
  net::Response res = server.Get("/zipkin/traces/abc");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NE(res.body().find("not built"), std::string::npos);
  EXPECT_NE(res.body().find("cannot load CAIRN_UI_DIR"), std::string::npos) << res.body();
  EXPECT_EQ(server.Get("/zipkin/assets/index-AbC123.js").result(), http::status::not_found);
}

TEST_F(UiRoutesTest, ServesNothingWhenTheUiIsDisabled) {
  ServerConfig config = Config();
  config.ui.enabled = false;
  TestServer server(config);
  EXPECT_EQ(server.Get("/zipkin/").result(), http::status::not_found);
  EXPECT_EQ(server.Get("/zipkin/assets/index-AbC123.js").result(), http::status::not_found);
}

}  // namespace
}  // namespace cairn::server
