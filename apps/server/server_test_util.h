// Test-only helpers for cairn-server's integration tests: a real Server on 127.0.0.1:0 and a
// blocking HTTP client (one connection per request, so a test never depends on keep-alive state),
// plus span fixtures in JSON v2.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "apps/server/server.h"
#include "lib/net/test_client.h"
#include "lib/storage/rocksdb/rocksdb_span_store.h"

namespace cairn::server::testing {

namespace http = net::http;

// A configuration for tests: mem storage, loopback, ephemeral port, few threads.
inline ServerConfig TestConfig() {
  ServerConfig config;
  config.storage_type = StorageType::kMem;
  config.bind_address = "127.0.0.1";
  config.port = 0;
  config.io_threads = 1;
  config.writer_threads = 1;
  config.query_threads = 2;
  config.shutdown_timeout = std::chrono::seconds(2);
  return config;
}

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cairn-server-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A RocksDB store in `dir` that links dependencies as soon as a trace is written, so tests need
// not wait for the production quiet period.
inline std::unique_ptr<storage::SpanStore> OpenTestRocksDb(const std::string& dir,
                                                           storage::StoreOptions options) {
  storage::RocksDBStoreOptions rocks;
  rocks.path = dir;
  rocks.store = std::move(options);
  rocks.link_quiet_period = std::chrono::milliseconds(0);
  rocks.maintenance_interval = std::chrono::milliseconds(10);
  auto store = storage::RocksDBSpanStore::Open(std::move(rocks));
  if (!store.ok()) {
    ADD_FAILURE() << "RocksDBSpanStore::Open: " << store.status().message();
    return nullptr;
  }
  return std::move(store).value();
}

using Headers = std::map<std::string, std::string>;

class TestServer {
 public:
  explicit TestServer(ServerConfig config = TestConfig(),
                      std::unique_ptr<storage::SpanStore> store = {}) {
    auto created = Server::Create(std::move(config), std::move(store));
    if (!created.ok()) {
      ADD_FAILURE() << "Server::Create: " << created.status().message();
      return;
    }
    server_ = std::move(created).value();
    Status started = server_->Start();
    if (!started.ok()) ADD_FAILURE() << "Server::Start: " << started.message();
  }

  Server& server() { return *server_; }
  std::uint16_t port() const { return server_->port(); }
  void Stop() { server_->Stop(); }

  net::Response Send(http::verb method, std::string_view target, std::string body = {},
                     const Headers& headers = {}) {
    net::testing::TestClient client(port());
    EXPECT_FALSE(client.connect_error()) << client.connect_error().message();
    net::Request req(method, target, 11);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    boost::system::error_code error;
    net::Response res = client.RoundTrip(std::move(req), &error);
    EXPECT_FALSE(error) << target << ": " << error.message();
    return res;
  }
  net::Response Get(std::string_view target, const Headers& headers = {}) {
    return Send(http::verb::get, target, {}, headers);
  }
  net::Response Post(std::string_view target, std::string body,
                     std::string_view content_type = "application/json", Headers headers = {}) {
    if (!content_type.empty()) headers["Content-Type"] = std::string(content_type);
    return Send(http::verb::post, target, std::move(body), headers);
  }

 private:
  std::unique_ptr<Server> server_;
};

inline std::string Header(const net::Response& res, http::field field) {
  auto it = res.find(field);
  return it == res.end() ? std::string() : std::string(it->value());
}
inline std::string Header(const net::Response& res, std::string_view name) {
  auto it = res.find(name);
  return it == res.end() ? std::string() : std::string(it->value());
}

inline boost::json::value ParseJson(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text.substr(0, 200);
  return value;
}

// A JSON v2 span. Times in microseconds.
struct SpanSpec {
  std::string trace_id = "463ac35c9f6413ad";
  std::string id = "a2fb4a1d1a96d312";
  std::string parent_id;
  std::string kind;
  std::string name = "get";
  std::int64_t timestamp = 1'700'000'000'000'000;
  std::int64_t duration = 2000;
  std::string service = "frontend";
  std::string remote_service;
  std::map<std::string, std::string> tags;
  std::vector<std::pair<std::int64_t, std::string>> annotations;
  bool debug = false;
};

inline std::string SpanJson(const SpanSpec& s) {
  boost::json::object span;
  span["traceId"] = s.trace_id;
  if (!s.parent_id.empty()) span["parentId"] = s.parent_id;
  span["id"] = s.id;
  if (!s.kind.empty()) span["kind"] = s.kind;
  if (!s.name.empty()) span["name"] = s.name;
  if (s.timestamp > 0) span["timestamp"] = s.timestamp;
  if (s.duration > 0) span["duration"] = s.duration;
  if (!s.service.empty()) span["localEndpoint"] = {{"serviceName", s.service}};
  if (!s.remote_service.empty()) span["remoteEndpoint"] = {{"serviceName", s.remote_service}};
  if (!s.annotations.empty()) {
    boost::json::array annotations;
    for (const auto& [ts, value] : s.annotations) {
      annotations.push_back({{"timestamp", ts}, {"value", value}});
    }
    span["annotations"] = std::move(annotations);
  }
  if (!s.tags.empty()) {
    boost::json::object tags;
    for (const auto& [k, v] : s.tags) tags[k] = v;
    span["tags"] = std::move(tags);
  }
  if (s.debug) span["debug"] = true;
  return boost::json::serialize(span);
}

inline std::string ListJson(const std::vector<SpanSpec>& spans) {
  std::string out = "[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) out += ",";
    out += SpanJson(spans[i]);
  }
  return out + "]";
}

// ../shared/testdata, or nullopt (the test should GTEST_SKIP).
inline std::optional<std::filesystem::path> SharedTestdata() {
  std::filesystem::path source;
  if (const char* env = std::getenv("CAIRN_SOURCE_DIR"); env != nullptr && *env != '\0') {
    source = env;
  } else {
#ifdef CAIRN_SERVER_SOURCE_DIR
    source = CAIRN_SERVER_SOURCE_DIR;
#endif
  }
  if (source.empty()) return std::nullopt;
  std::filesystem::path dir = source / ".." / "shared" / "testdata";
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  return dir;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace cairn::server::testing
