#include "lib/metrics/text_format.h"

#include <charconv>
#include <cmath>

namespace cairn::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kUntyped:
      break;
  }
  return "untyped";
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!IsNameStart(c) && !IsDigit(c) && c != ':') return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0]) || name.starts_with("__")) return false;
  for (char c : name) {
    if (!IsNameStart(c) && !IsDigit(c)) return false;
  }
  return true;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // Shortest representation that reads back as the same double (fixed or scientific).
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string(buf, end);
}

void AppendEscapedLabelValue(std::string_view value, std::string& out) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void AppendEscapedHelp(std::string_view help, std::string& out) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

void TextWriter::Family(std::string_view name, MetricType type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscapedHelp(help, out_);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += TypeName(type);
  out_ += '\n';
}

void TextWriter::AppendNameAndLabels(std::string_view name, std::span<const Label> labels,
                                     Label extra) {
  out_ += name;
  if (labels.empty() && extra.name.empty()) return;
  out_ += '{';
  bool first = true;
  auto put = [&](const Label& label) {
    if (!first) out_ += ',';
    first = false;
    out_ += label.name;
    out_ += "=\"";
    AppendEscapedLabelValue(label.value, out_);
    out_ += '"';
  };
  for (const Label& label : labels) put(label);
  if (!extra.name.empty()) put(extra);
  out_ += '}';
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, double value,
                        Label extra) {
  AppendNameAndLabels(name, labels, extra);
  out_ += ' ';
  out_ += FormatValue(value);
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, std::uint64_t value,
                        Label extra) {
  AppendNameAndLabels(name, labels, extra);
  out_ += ' ';
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;  // 24 bytes hold any uint64
  out_.append(buf, end);
  out_ += '\n';
}

void TextWriter::Single(std::string_view name, MetricType type, std::string_view help,
                        double value) {
  Family(name, type, help);
  Sample(name, value);
}

void TextWriter::Single(std::string_view name, MetricType type, std::string_view help,
                        std::uint64_t value) {
  Family(name, type, help);
  Sample(name, value);
}

}  // namespace cairn::metrics
