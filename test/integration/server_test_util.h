// Helpers for the cairn-server integration tests (server_*_integration_test.cc): they run the real
// cairn-server binary as a child process (tools/support/server_process.h) on 127.0.0.1 and an
// ephemeral port, in a temporary data directory, and talk to it over HTTP.
//
// The binary is found through CAIRN_SERVER_BINARY (set by ctest, see server_tests.cmake), else
// $CAIRN_BINARY_DIR/apps/server/cairn-server.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/span_record.h"
#include "lib/base/status.h"
#include "tools/support/http_client.h"
#include "tools/support/server_process.h"

namespace cairn::server_test {

// The cairn-server binary, or "" when it cannot be found.
std::string ServerBinary();

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct ServerSetup {
  std::string storage = "rocksdb";  // or "mem"
  std::string data_dir;             // for rocksdb
  std::string log_path;
  std::vector<std::pair<std::string, std::string>> env;  // extra settings
};

Result<std::unique_ptr<tools::ServerProcess>> StartServer(const ServerSetup& setup);

// GETs `target` and parses the JSON answer; null (and `error` set) unless 200 with valid JSON.
boost::json::value GetJson(tools::HttpClient& client, const std::string& target,
                           std::string* error = nullptr);

// The JSON v2 list of `spans`, encoded by lib/model (the tracing library's encoder).
std::string EncodeJsonV2(const std::vector<trace::SpanRecordPtr>& spans);

// The string field `key` of a JSON object, or "" when absent or not a string.
std::string StringField(const boost::json::value& object, std::string_view key);

// Milliseconds since the epoch, for endTs parameters.
std::int64_t NowMillis();

}  // namespace cairn::server_test
