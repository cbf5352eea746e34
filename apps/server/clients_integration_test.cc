// Bodies captured from real Zipkin clients (../shared/testdata/clients), POSTed with their own
// path and headers, then read back through the query API. Skips when the test data is absent.
#include <gtest/gtest.h>

#include <set>

#include "apps/server/server_test_util.h"

namespace cairn::server {
namespace {

namespace http = net::http;

using testing::ParseJson;
using testing::ReadFile;
using testing::TestServer;

struct Capture {
  std::string name;
  std::string path;
  testing::Headers headers;
  std::string body;
};

std::vector<Capture> LoadCaptures(const std::filesystem::path& dir) {
  std::vector<Capture> captures;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".headers") continue;
    Capture capture;
    capture.name = entry.path().stem().string();
    std::istringstream lines(ReadFile(entry.path()));
    std::string line;
    std::getline(lines, line);  // "POST /api/v2/spans"
    capture.path = line.substr(line.find(' ') + 1);
    while (std::getline(lines, line)) {
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      // Framing is the client's business: the test client sets its own Content-Length.
      if (name == "content-length" || name == "Content-Length" || name == "Transfer-Encoding") {
        continue;
      }
      capture.headers[name] = value;
    }
    std::filesystem::path body = entry.path();
    body.replace_extension(".bin");
    capture.body = ReadFile(body);
    captures.push_back(std::move(capture));
  }
  std::sort(captures.begin(), captures.end(),
            [](const Capture& a, const Capture& b) { return a.name < b.name; });
  return captures;
}

TEST(ClientsTest, EveryCapturedClientBodyIsAcceptedAndReadable) {
  std::optional<std::filesystem::path> testdata = testing::SharedTestdata();
  if (!testdata || !std::filesystem::is_directory(*testdata / "clients")) {
    GTEST_SKIP() << "../shared/testdata/clients not found";
  }
  std::vector<Capture> captures = LoadCaptures(*testdata / "clients");
  ASSERT_FALSE(captures.empty());
  for (const Capture& capture : captures) {
    SCOPED_TRACE(capture.name);
    TestServer server;
    net::Response res = server.Send(http::verb::post, capture.path, capture.body, capture.headers);
    ASSERT_EQ(res.result(), http::status::accepted) << res.body();
    EXPECT_GT(server.server().http_collector_metrics().Read().spans, 0u);

    // Every service shows up and every trace is readable, with the spans stored.
    net::Response services = server.Get("/api/v2/services");
    boost::json::array names = ParseJson(services.body()).as_array();
    EXPECT_FALSE(names.empty()) << services.body();
    std::set<std::string> trace_ids;
    for (const auto& name : names) {
      net::Response traces = server.Get(
          "/api/v2/traces?lookback=" + std::to_string(std::int64_t{20} * 365 * 86'400'000) +
          "&limit=1000&serviceName=" + std::string(name.as_string()));
      ASSERT_EQ(traces.result(), http::status::ok) << traces.body();
      const boost::json::value parsed = ParseJson(traces.body());
      for (const auto& trace : parsed.as_array()) {
        for (const auto& span : trace.as_array()) {
          trace_ids.insert(std::string(span.at("traceId").as_string()));
        }
      }
    }
    EXPECT_FALSE(trace_ids.empty());
    std::size_t spans_read = 0;
    for (const std::string& id : trace_ids) {
      net::Response trace = server.Get("/api/v2/trace/" + id);
      ASSERT_EQ(trace.result(), http::status::ok) << id;
      spans_read += ParseJson(trace.body()).as_array().size();
    }
    EXPECT_EQ(spans_read, server.server().http_collector_metrics().Read().spans);
  }
}

TEST(ClientsTest, LensTestdataTracesRoundTrip) {
  std::optional<std::filesystem::path> testdata = testing::SharedTestdata();
  if (!testdata || !std::filesystem::is_directory(*testdata / "zipkin-lens")) {
    GTEST_SKIP() << "../shared/testdata/zipkin-lens not found";
  }
  TestServer server;
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(*testdata / "zipkin-lens")) {
    if (entry.path().extension() != ".json") continue;
    const std::string body = ReadFile(entry.path());
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(body, ec);
    ASSERT_FALSE(ec) << entry.path();
    ASSERT_TRUE(parsed.is_array() && !parsed.as_array().empty()) << entry.path();
    SCOPED_TRACE(entry.path().filename().string());
    net::Response res = server.Post("/api/v2/spans", body);
    ASSERT_EQ(res.result(), http::status::accepted) << res.body();
    const std::string trace_id(parsed.as_array()[0].at("traceId").as_string());
    net::Response trace = server.Get("/api/v2/trace/" + trace_id);
    ASSERT_EQ(trace.result(), http::status::ok) << trace_id << ": " << trace.body();
    EXPECT_EQ(ParseJson(trace.body()).as_array().size(), parsed.as_array().size());
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace cairn::server
