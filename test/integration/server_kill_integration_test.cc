// kill -9 under ingest: cairn-server answers 202 only once a batch is in its write-ahead log, so
// every acknowledged span must survive SIGKILL at any moment. Several rounds on one RocksDB
// directory: clients post landscape batches concurrently and record each 202, the server is killed
// at a random moment, restarted on the same directory, and every acknowledged trace must be
// readable, whole, through GET /api/v2/trace/{id}.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "test/integration/server_test_util.h"
#include "tools/support/landscape_spans.h"

namespace cairn::server_test {
namespace {

struct AckedTrace {
  std::string id;
  std::size_t spans = 0;
};

constexpr int kRounds = 3;
constexpr int kPosters = 4;
constexpr int kTracesPerBatch = 5;

// Posts batches until `stop`, appending every trace of each 202-acknowledged batch to `acked`.
void Post(std::uint16_t port, std::uint64_t id_high, std::uint32_t stream,
          const std::atomic<bool>& stop, std::vector<AckedTrace>& acked,
          std::uint64_t& batches_acked) {
  tools::HttpClient client("127.0.0.1", port, std::chrono::seconds(5));
  tools::LandscapeSpanGenerator generator(stream);
  tools::TraceIdSource ids(id_high, stream);
  while (!stop.load()) {
    std::vector<trace::SpanRecordPtr> spans;
    std::vector<AckedTrace> batch;
    for (int i = 0; i < kTracesPerBatch; ++i) {
      trace::TraceId id = ids.Next();
      tools::LandscapeTraceInfo info =
          generator.AppendTrace(id, tools::NowMicros() - 50'000, spans);
      batch.push_back({id.ToHex(), info.spans});
    }
    tools::HttpResponse response = client.Post("/api/v2/spans", EncodeJsonV2(spans));
    if (response.status == 202) {
      acked.insert(acked.end(), batch.begin(), batch.end());
      ++batches_acked;
    } else if (!response.transport_ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // server gone: don't spin
    }
  }
}

// Every trace in `traces` is readable and has all its spans; returns the failures (at most 10).
std::vector<std::string> Verify(std::uint16_t port, const std::vector<AckedTrace>& traces) {
  tools::HttpClient client("127.0.0.1", port, std::chrono::seconds(10));
  std::vector<std::string> failures;
  for (const AckedTrace& trace : traces) {
    std::string error;
    boost::json::value spans = GetJson(client, "/api/v2/trace/" + trace.id, &error);
    if (!error.empty()) {
      failures.push_back(error);
    } else if (!spans.is_array() || spans.as_array().size() != trace.spans) {
      failures.push_back("trace " + trace.id + " has " +
                         std::to_string(spans.is_array() ? spans.as_array().size() : 0) +
                         " spans, acknowledged " + std::to_string(trace.spans));
    }
    if (failures.size() >= 10) break;
  }
  return failures;
}

TEST(ServerKillIntegrationTest, AcknowledgedSpansSurviveKill9) {
  if (ServerBinary().empty()) GTEST_SKIP() << "cairn-server binary not found";
  TempDir dir;
  ServerSetup setup;
  setup.data_dir = dir.Sub("data");
  std::mt19937_64 rng(std::random_device{}());
  std::vector<AckedTrace> acked_before;  // acknowledged in earlier rounds
  const std::uint64_t id_high = tools::TraceIdSource::RandomHigh();

  for (int round = 0; round <= kRounds; ++round) {
    setup.log_path = dir.Sub("server-" + std::to_string(round) + ".log");
    auto server = StartServer(setup);
    ASSERT_TRUE(server.ok()) << server.status().message();
    const std::uint16_t port = (*server)->port();

    // Everything acknowledged before the last kill (all of the previous round, and a sample of
    // older rounds, which earlier restarts already verified in full) must be back.
    if (!acked_before.empty()) {
      std::vector<std::string> failures = Verify(port, acked_before);
      ASSERT_TRUE(failures.empty())
          << "round " << round << ": " << failures.size()
          << "+ acknowledged traces lost, first: " << failures[0] << "\nlog:\n"
          << tools::FileTail((*server)->log_path());
    }
    if (round == kRounds) break;

    std::atomic<bool> stop{false};
    std::vector<std::vector<AckedTrace>> acked(kPosters);
    std::vector<std::uint64_t> batches(kPosters, 0);
    std::vector<std::thread> posters;
    for (int p = 0; p < kPosters; ++p) {
      const auto stream = static_cast<std::uint32_t>(round * kPosters + p + 1);
      posters.emplace_back(
          [&, p, stream] { Post(port, id_high, stream, stop, acked[p], batches[p]); });
    }
    // Kill at a random moment while all posters are busy.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 1200));
    (*server)->Kill();
    stop.store(true);
    for (std::thread& poster : posters) poster.join();

    std::uint64_t total_batches = 0;
    std::vector<AckedTrace> this_round;
    for (int p = 0; p < kPosters; ++p) {
      total_batches += batches[p];
      this_round.insert(this_round.end(), acked[p].begin(), acked[p].end());
    }
    ASSERT_GT(total_batches, 0u) << "round " << round << ": no batch was acknowledged; log:\n"
                                 << tools::FileTail((*server)->log_path());
    std::shuffle(acked_before.begin(), acked_before.end(), rng);
    if (acked_before.size() > 300) acked_before.resize(300);
    acked_before.insert(acked_before.end(), this_round.begin(), this_round.end());
    std::printf("round %d: %llu batches (%zu traces) acknowledged before SIGKILL\n", round,
                static_cast<unsigned long long>(total_batches), this_round.size());
  }
}

}  // namespace
}  // namespace cairn::server_test
