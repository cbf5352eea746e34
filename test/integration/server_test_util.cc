#include "test/integration/server_test_util.h"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "lib/model/json_v2_writer.h"

namespace cairn::server_test {

namespace fs = std::filesystem;

std::string ServerBinary() {
  if (const char* explicit_path = std::getenv("CAIRN_SERVER_BINARY");
      explicit_path != nullptr && *explicit_path != '\0') {
    return explicit_path;
  }
  if (const char* binary_dir = std::getenv("CAIRN_BINARY_DIR"); binary_dir != nullptr) {
    std::string path = std::string(binary_dir) + "/apps/server/cairn-server";
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return {};
}

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  fs::path base = tmp != nullptr && *tmp != '\0' ? fs::path(tmp) : fs::path("/tmp");
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path candidate = base / ("cairn-server-test-" + std::to_string(getpid()) + "-" +
                                 std::to_string(random() % 1000000));
    std::error_code ec;
    if (fs::create_directory(candidate, ec)) {
      path_ = candidate.string();
      return;
    }
  }
  path_ = (base / "cairn-server-test-fallback").string();
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

Result<std::unique_ptr<tools::ServerProcess>> StartServer(const ServerSetup& setup) {
  tools::ServerProcessOptions options;
  options.binary = ServerBinary();
  if (options.binary.empty()) {
    return NotFound("cairn-server binary not found (set CAIRN_SERVER_BINARY)");
  }
  options.log_path = setup.log_path;
  options.env = {{"STORAGE_TYPE", setup.storage}, {"CAIRN_LOG_LEVEL", "info"}};
  if (!setup.data_dir.empty()) options.env.emplace_back("CAIRN_DATA_DIR", setup.data_dir);
  for (const auto& entry : setup.env) options.env.push_back(entry);
  return tools::ServerProcess::Start(std::move(options));
}

boost::json::value GetJson(tools::HttpClient& client, const std::string& target,
                           std::string* error) {
  tools::HttpResponse response = client.Get(target);
  std::string problem;
  boost::json::value value;
  if (!response.transport_ok()) {
    problem = response.error;
  } else if (response.status != 200) {
    problem = "HTTP " + std::to_string(response.status) + ": " + response.body;
  } else {
    boost::system::error_code ec;
    value = boost::json::parse(response.body, ec);
    if (ec) problem = "invalid JSON (" + ec.message() + "): " + response.body.substr(0, 200);
  }
  if (error != nullptr) *error = problem.empty() ? "" : target + ": " + problem;
  return problem.empty() ? value : boost::json::value(nullptr);
}

std::string EncodeJsonV2(const std::vector<trace::SpanRecordPtr>& spans) {
  std::vector<const trace::SpanRecord*> pointers;
  pointers.reserve(spans.size());
  for (const trace::SpanRecordPtr& span : spans) pointers.push_back(span.get());
  std::string out;
  model::AppendJsonV2List(pointers, out);
  return out;
}

std::string StringField(const boost::json::value& object, std::string_view key) {
  if (!object.is_object()) return {};
  const boost::json::value* field = object.as_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->as_string()) : std::string();
}

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cairn::server_test
