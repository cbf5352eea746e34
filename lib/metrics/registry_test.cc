#include "lib/metrics/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

#include "lib/metrics/process_metrics.h"

namespace cairn::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(RegistryTest, RendersCountersAndGaugesSortedByLabels) {
  Registry registry;
  auto& requests =
      registry.AddCounterFamily("http_requests_total", "Requests served", {"method", "status"});
  requests.With({"POST", "500"}).Increment();
  requests.With({"GET", "200"}).Increment(2);
  requests.With({"GET", "200"}).Increment();
  registry.AddGauge("queue_length", "Items queued").Set(7.5);
  EXPECT_EQ(registry.Render(),
            "# HELP http_requests_total Requests served\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",status=\"200\"} 3\n"
            "http_requests_total{method=\"POST\",status=\"500\"} 1\n"
            "# HELP queue_length Items queued\n"
            "# TYPE queue_length gauge\n"
            "queue_length 7.5\n");
  EXPECT_TRUE(registry.status().ok());
}

TEST(RegistryTest, HistogramBucketsAreCumulativeAndInclusive) {
  Registry registry;
  auto& latency = registry.AddHistogramFamily("req_seconds", "Latency", {0.1, 0.5, 1}, {"route"});
  Histogram& h = latency.With({"/a"});
  h.Observe(0.1);  // le is inclusive: counts in 0.1
  h.Observe(0.3);
  h.Observe(2);
  h.Observe(std::nan(""));  // ignored
  EXPECT_EQ(registry.Render(),
            "# HELP req_seconds Latency\n"
            "# TYPE req_seconds histogram\n"
            "req_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"
            "req_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
            "req_seconds_bucket{route=\"/a\",le=\"1\"} 2\n"
            "req_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"
            "req_seconds_sum{route=\"/a\"} 2.4\n"
            "req_seconds_count{route=\"/a\"} 3\n");
  const Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 2, 2, 3}));
}

TEST(RegistryTest, ReRegistrationReturnsTheSameFamily) {
  Registry registry;
  Counter& a = registry.AddCounter("x_total", "x");
  Counter& b = registry.AddCounter("x_total", "x");
  EXPECT_EQ(&a, &b);
  auto& h1 = registry.AddHistogramFamily("h", "h", {1, 2}, {"l"});
  auto& h2 =
      registry.AddHistogramFamily("h", "h", {1, 2, std::numeric_limits<double>::infinity()}, {"l"});
  EXPECT_EQ(&h1, &h2);
  EXPECT_TRUE(registry.status().ok());
}

TEST(RegistryTest, RegistrationErrorsAreReportedAndNotExported) {
  Registry registry;
  registry.AddCounter("ok_total", "fine");
  Counter& bad = registry.AddCounter("bad-name", "x");
  bad.Increment();  // still usable
  EXPECT_EQ(registry.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(registry.status().message(), HasSubstr("bad-name"));
  EXPECT_THAT(registry.Render(), Not(HasSubstr("bad")));
}

TEST(RegistryTest, RejectsConflictsAndInvalidLabelsAndBuckets) {
  {
    Registry r;
    r.AddCounter("m", "x");
    r.AddGauge("m", "x");
    EXPECT_THAT(r.status().message(), HasSubstr("already registered"));
  }
  {
    Registry r;
    r.AddCounterFamily("m", "x", {"a"});
    r.AddCounterFamily("m", "x", {"b"});
    EXPECT_THAT(r.status().message(), HasSubstr("already registered"));
  }
  {
    Registry r;
    r.AddCounterFamily("m", "x", {"a", "a"});
    EXPECT_THAT(r.status().message(), HasSubstr("duplicate label name \"a\""));
  }
  {
    Registry r;
    r.AddCounterFamily("m", "x", {"__reserved"});
    EXPECT_THAT(r.status().message(), HasSubstr("invalid label name"));
  }
  {
    Registry r;
    r.AddHistogramFamily("m", "x", {1}, {"le"});
    EXPECT_THAT(r.status().message(), HasSubstr("reserved"));
  }
  {
    Registry r;
    r.AddHistogram("m", "x", {1, 1});
    EXPECT_THAT(r.status().message(), HasSubstr("strictly increasing"));
  }
  {
    Registry r;
    r.AddHistogram("m", "x", {std::nan("")});
    EXPECT_THAT(r.status().message(), HasSubstr("finite"));
  }
  {
    Registry r;
    r.AddCallback("m", "x", MetricType::kHistogram, [] { return 1.0; });
    EXPECT_FALSE(r.status().ok());
  }
}

TEST(RegistryTest, BoundsCardinalityAndLabelCount) {
  Registry registry(RegistryOptions{.max_series_per_family = 2});
  auto& family = registry.AddCounterFamily("c_total", "c", {"k"});
  family.With({"a"}).Increment();
  family.With({"b"}).Increment();
  family.With({"c"}).Increment();           // over the limit
  family.With({"a", "extra"}).Increment();  // wrong label count
  EXPECT_EQ(family.dropped(), 2u);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("c_total{k=\"a\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("c_total{k=\"b\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("k=\"c\"")));
}

TEST(RegistryTest, CallbacksAndCollectorsRenderInRegistrationOrder) {
  Registry registry;
  double value = 1;
  registry.AddCallback("cb_value", "from a callback", MetricType::kGauge, [&] { return value; });
  registry.AddCollector([](TextWriter& w) {
    w.Family("custom", MetricType::kGauge, "free-form");
    w.Sample("custom", {{"class", "2xx"}}, std::uint64_t{4});
  });
  value = 2;
  EXPECT_EQ(registry.Render(),
            "# HELP cb_value from a callback\n# TYPE cb_value gauge\ncb_value 2\n"
            "# HELP custom free-form\n# TYPE custom gauge\ncustom{class=\"2xx\"} 4\n");
}

TEST(RegistryTest, BucketHelpers) {
  EXPECT_EQ(ExponentialBuckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_TRUE(ExponentialBuckets(0, 2, 4).empty());
  EXPECT_TRUE(ExponentialBuckets(1, 1, 4).empty());
  EXPECT_EQ(LinearBuckets(1, 0.5, 3), (std::vector<double>{1, 1.5, 2}));
  EXPECT_TRUE(LinearBuckets(1, 0, 3).empty());
  EXPECT_EQ(DefaultLatencyBuckets().size(), 11u);
}

TEST(ProcessMetricsTest, ParsesProcStatWithAwkwardCommandName) {
  // Fields 14/15 utime/stime, 22 starttime, 23 vsize, 24 rss.
  const std::string stat =
      "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 150 0 0 20 0 4 0 1000 "
      "104857600 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  Result<ProcessStats> parsed = ParseProcStat(stat, 100, 4096, 1700000000);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_DOUBLE_EQ(*parsed->cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(*parsed->start_time_seconds, 1700000010.0);
  EXPECT_DOUBLE_EQ(*parsed->virtual_bytes, 104857600.0);
  EXPECT_DOUBLE_EQ(*parsed->resident_bytes, 2560.0 * 4096);
}

TEST(ProcessMetricsTest, RejectsMalformedStat) {
  EXPECT_FALSE(ParseProcStat("", 100, 4096, 0).ok());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2 3", 100, 4096, 0).ok());
  EXPECT_FALSE(
      ParseProcStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 ab 0 0 0 20 0 1 0 5 6 7", 100, 4096, 0).ok());
  EXPECT_EQ(*ParseBootTime("cpu 1 2 3\nbtime 1700000000\nprocesses 5\n"), 1700000000.0);
  EXPECT_FALSE(ParseBootTime("cpu 1 2 3\n").ok());
}

TEST(ProcessMetricsTest, ExportsLiveFigures) {
  Registry registry;
  RegisterProcessMetrics(registry);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  EXPECT_THAT(text, MatchesRegex("(.|\n)*process_resident_memory_bytes [1-9][0-9e+.]*\n(.|\n)*"));
  EXPECT_THAT(text, MatchesRegex("(.|\n)*process_start_time_seconds 1[0-9.e+]*\n(.|\n)*"));
  EXPECT_THAT(text, MatchesRegex("(.|\n)*process_open_fds [1-9][0-9]*\n(.|\n)*"));
  const ProcessStats s = ReadProcessStats();
  ASSERT_TRUE(s.resident_bytes.has_value());
  EXPECT_GT(*s.resident_bytes, 100'000);
  ASSERT_TRUE(s.start_time_seconds.has_value());
  EXPECT_GT(*s.start_time_seconds, 1.5e9);
}

}  // namespace
}  // namespace cairn::metrics
