// Restart persistence: what a RocksDB-backed cairn-server answered before a graceful stop
// (SIGTERM) it answers the same way after a restart on the same directory: traces byte for byte,
// service, span and remote-service names, search results and dependency links. Spans posted just
// before the stop are kept too, and their dependency links are computed after the restart (the
// store's queue of traces still to link survives the restart).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "test/integration/server_test_util.h"
#include "tools/support/landscape_spans.h"

namespace cairn::server_test {
namespace {

struct Snapshot {
  std::vector<std::string> traces;  // raw bodies of GET /api/v2/trace/{id}
  std::string services, span_names, remote_services, search;
};

// Posts `count` landscape traces for accounts first_account, first_account + 1, ...; returns
// their ids.
std::vector<std::string> PostTraces(tools::HttpClient& client, tools::TraceIdSource& ids, int count,
                                    int first_account) {
  tools::LandscapeSpanGenerator generator(static_cast<std::uint64_t>(first_account), 0.2);
  std::vector<trace::SpanRecordPtr> spans;
  std::vector<std::string> posted;
  for (int i = 0; i < count; ++i) {
    trace::TraceId id = ids.Next();
    generator.AppendTrace(id, tools::NowMicros() - 100'000 - i * 1000, spans, first_account + i);
    posted.push_back(id.ToHex());
  }
  tools::HttpResponse response = client.Post("/api/v2/spans", EncodeJsonV2(spans));
  EXPECT_EQ(response.status, 202u) << response.error << response.body;
  return posted;
}

std::string GetBody(tools::HttpClient& client, const std::string& target) {
  tools::HttpResponse response = client.Get(target);
  EXPECT_EQ(response.status, 200u) << target << ": " << response.error << response.body;
  return response.body;
}

Snapshot Take(tools::HttpClient& client, const std::vector<std::string>& ids) {
  Snapshot s;
  for (const std::string& id : ids) s.traces.push_back(GetBody(client, "/api/v2/trace/" + id));
  s.services = GetBody(client, "/api/v2/services");
  s.span_names = GetBody(client, "/api/v2/spans?serviceName=accountservice");
  s.remote_services = GetBody(client, "/api/v2/remoteServices?serviceName=accountservice");
  s.search = GetBody(client, "/api/v2/traces?serviceName=accountservice&annotationQuery=" +
                                 tools::UrlEncode("http.path=/accounts/10000") +
                                 "&endTs=" + std::to_string(NowMillis() + 60'000) +
                                 "&lookback=3600000&limit=100");
  return s;
}

// The set of parent->child links with their counts, once all `expected` pairs are present (or
// the deadline passed).
std::set<std::string> AwaitLinks(tools::HttpClient& client, const std::set<std::string>& expected,
                                 std::chrono::seconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  std::set<std::string> links;
  while (true) {
    links.clear();
    std::set<std::string> pairs;
    boost::json::value answer =
        GetJson(client, "/api/v2/dependencies?endTs=" + std::to_string(NowMillis() + 60'000) +
                            "&lookback=86400000");
    if (answer.is_array()) {
      for (const boost::json::value& link : answer.as_array()) {
        std::string pair = StringField(link, "parent") + "->" + StringField(link, "child");
        pairs.insert(pair);
        const boost::json::value* calls = link.as_object().if_contains("callCount");
        links.insert(pair + " x" + (calls != nullptr ? boost::json::serialize(*calls) : "?"));
      }
    }
    bool all = true;
    for (const std::string& pair : expected) all &= pairs.count(pair) > 0;
    if (all || std::chrono::steady_clock::now() > deadline) return links;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

const std::set<std::string> kLandscapeLinks = {"edge-server->accountservice",
                                               "accountservice->quotes-service",
                                               "accountservice->imageservice"};

TEST(ServerRestartIntegrationTest, AnswersTheSameAfterRestart) {
  if (ServerBinary().empty()) GTEST_SKIP() << "cairn-server binary not found";
  TempDir dir;
  ServerSetup setup;
  setup.data_dir = dir.Sub("data");
  setup.log_path = dir.Sub("first.log");
  tools::TraceIdSource ids(tools::TraceIdSource::RandomHigh(), 1);

  std::vector<std::string> first_ids;
  Snapshot before;
  std::set<std::string> links_before;
  std::vector<std::string> late_ids;
  {
    auto server = StartServer(setup);
    ASSERT_TRUE(server.ok()) << server.status().message();
    tools::HttpClient client("127.0.0.1", (*server)->port());
    // Accounts 10000..10029: the VIP account's trace is the one the tag search must find.
    first_ids = PostTraces(client, ids, 30, tools::LandscapeSpanGenerator::kVipAccount);
    before = Take(client, first_ids);
    ASSERT_NE(before.search, "[]") << "the VIP trace should be found by its tag";
    links_before = AwaitLinks(client, kLandscapeLinks, std::chrono::seconds(20));
    ASSERT_FALSE(links_before.empty()) << tools::FileTail((*server)->log_path());

    // Posted right before the stop: stored (202), not yet linked.
    late_ids = PostTraces(client, ids, 5, 10050);
    auto stopped = (*server)->Stop();
    ASSERT_TRUE(stopped.ok()) << stopped.status().message();
    EXPECT_EQ(*stopped, 0) << tools::FileTail((*server)->log_path());
  }

  setup.log_path = dir.Sub("second.log");
  auto server = StartServer(setup);
  ASSERT_TRUE(server.ok()) << server.status().message();
  tools::HttpClient client("127.0.0.1", (*server)->port());
  Snapshot after = Take(client, first_ids);
  ASSERT_EQ(after.traces.size(), before.traces.size());
  for (std::size_t i = 0; i < before.traces.size(); ++i) {
    EXPECT_EQ(after.traces[i], before.traces[i]) << "trace " << first_ids[i];
  }
  EXPECT_EQ(after.services, before.services);
  EXPECT_EQ(after.span_names, before.span_names);
  EXPECT_EQ(after.remote_services, before.remote_services);
  EXPECT_EQ(after.search, before.search);

  for (const std::string& id : late_ids) {
    boost::json::value trace = GetJson(client, "/api/v2/trace/" + id);
    ASSERT_TRUE(trace.is_array()) << "late trace " << id << " lost";
    EXPECT_GE(trace.as_array().size(), 8u) << id;
  }
  // The late traces get linked after the restart: call counts grow by their calls.
  std::set<std::string> links_after = AwaitLinks(client, kLandscapeLinks, std::chrono::seconds(1));
  for (int i = 0; i < 100 && links_after == links_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    links_after = AwaitLinks(client, kLandscapeLinks, std::chrono::seconds(1));
  }
  EXPECT_NE(links_after, links_before)
      << "links of traces stored before the stop were not computed after the restart";
  std::set<std::string> pairs_after;
  for (const std::string& link : links_after) pairs_after.insert(link.substr(0, link.find(' ')));
  for (const std::string& pair : kLandscapeLinks) EXPECT_EQ(pairs_after.count(pair), 1u) << pair;
}

}  // namespace
}  // namespace cairn::server_test
