// The Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): name and label checks, value and
// escape rules, and TextWriter, which appends families and samples to a string.
//
//   TextWriter w;
//   w.Family("http_requests_total", MetricType::kCounter, "Requests served");
//   w.Sample("http_requests_total", {{"method", "GET"}, {"status", "200"}}, 12);
//   return w.Take();   // "# HELP ...\n# TYPE ...\nhttp_requests_total{method=\"GET\",...} 12\n"
//
// TextWriter checks nothing: callers (the Registry) validate names once, at registration. Label
// values and help text are escaped as the format requires; values are written as given (they must
// be UTF-8 for the output to be valid). Pure functions and a plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace cairn::metrics {

// Content-Type of the text format.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class MetricType { kCounter, kGauge, kHistogram, kSummary, kUntyped };

// "counter", "gauge", "histogram", "summary", "untyped".
std::string_view TypeName(MetricType type);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus itself).
bool IsValidLabelName(std::string_view name);

// Go's float text as Prometheus parses it: shortest round-trip form ("0.25", "1e+06", "3"),
// "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// Appends `value` with '\' -> "\\", '"' -> "\"", newline -> "\n".
void AppendEscapedLabelValue(std::string_view value, std::string& out);
// Appends help text with '\' -> "\\" and newline -> "\n".
void AppendEscapedHelp(std::string_view help, std::string& out);

struct Label {
  std::string_view name;
  std::string_view value;
};

class TextWriter {
 public:
  // "# HELP <name> <help>\n# TYPE <name> <type>\n".
  void Family(std::string_view name, MetricType type, std::string_view help);

  // "<name>{<labels>} <value>\n"; no braces without labels. `extra` (when its name is not empty)
  // is written after `labels`, for a histogram's "le".
  void Sample(std::string_view name, std::span<const Label> labels, double value, Label extra = {});
  // Integers are written exactly, also above 2^53.
  void Sample(std::string_view name, std::span<const Label> labels, std::uint64_t value,
              Label extra = {});
  void Sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void Sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value) {
    Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
  }
  void Sample(std::string_view name, double value) { Sample(name, {}, value); }
  void Sample(std::string_view name, std::uint64_t value) { Sample(name, {}, value); }

  // Family + one unlabelled sample.
  void Single(std::string_view name, MetricType type, std::string_view help, double value);
  void Single(std::string_view name, MetricType type, std::string_view help, std::uint64_t value);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void AppendNameAndLabels(std::string_view name, std::span<const Label> labels, Label extra);

  std::string out_;
};

}  // namespace cairn::metrics
