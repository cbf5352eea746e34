#include "lib/metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cairn::metrics {
namespace {

TEST(TextFormatTest, FormatsValuesAsPrometheusParsesThem) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(-1.5), "-1.5");
  EXPECT_EQ(FormatValue(0.1), "0.1");  // shortest round trip, not 0.10000000000000001
  EXPECT_EQ(FormatValue(1e6), "1e+06");
  EXPECT_EQ(FormatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(TextFormatTest, ValidatesNames) {
  EXPECT_TRUE(IsValidMetricName("http_requests_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("http-requests"));
  EXPECT_FALSE(IsValidMetricName("a b"));

  EXPECT_TRUE(IsValidLabelName("method"));
  EXPECT_TRUE(IsValidLabelName("_private"));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("9lives"));
  EXPECT_FALSE(IsValidLabelName(""));
}

TEST(TextFormatTest, EscapesLabelValuesAndHelp) {
  std::string label;
  AppendEscapedLabelValue("a\\b\"c\nd", label);
  EXPECT_EQ(label, "a\\\\b\\\"c\\nd");
  std::string help;
  AppendEscapedHelp("say \"hi\"\\\nbye", help);
  EXPECT_EQ(help, "say \"hi\"\\\\\\nbye");  // quotes stay as they are in HELP
}

TEST(TextFormatTest, WritesFamiliesAndSamples) {
  TextWriter w;
  w.Family("http_requests_total", MetricType::kCounter, "Requests\nserved");
  w.Sample("http_requests_total", {{"method", "GET"}, {"path", "/a\"b"}}, std::uint64_t{12});
  w.Sample("http_requests_total", {}, 0.5);
  w.Single("up", MetricType::kGauge, "Is it up", 1.0);
  const Label labels[] = {{"route", "/x"}};
  w.Sample("lat_bucket", labels, std::uint64_t{3}, Label{"le", "0.5"});
  w.Sample("big", std::uint64_t{18446744073709551615u});
  EXPECT_EQ(w.text(),
            "# HELP http_requests_total Requests\\nserved\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{method=\"GET\",path=\"/a\\\"b\"} 12\n"
            "http_requests_total 0.5\n"
            "# HELP up Is it up\n"
            "# TYPE up gauge\n"
            "up 1\n"
            "lat_bucket{route=\"/x\",le=\"0.5\"} 3\n"
            "big 18446744073709551615\n");
}

TEST(TextFormatTest, NamesEveryType) {
  EXPECT_EQ(TypeName(MetricType::kCounter), "counter");
  EXPECT_EQ(TypeName(MetricType::kGauge), "gauge");
  EXPECT_EQ(TypeName(MetricType::kHistogram), "histogram");
  EXPECT_EQ(TypeName(MetricType::kSummary), "summary");
  EXPECT_EQ(TypeName(MetricType::kUntyped), "untyped");
}

}  // namespace
}  // namespace cairn::metrics
