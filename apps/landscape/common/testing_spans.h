// Test helpers (not part of cairn_landscape_common): a landscape Service wired to a
// RecordingCollector, and the spans the collector received, decoded from JSON v2.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/landscape/common/service.h"
#include "lib/trace_http/testing_collector.h"

namespace cairn::landscape::testing {

struct ReportedSpan {
  std::string trace_id;
  std::string id;
  std::string parent_id;  // empty for a root span
  std::string name;
  std::string kind;  // "SERVER", "CLIENT", ... or empty
  bool shared = false;
  std::string local_service;
  std::string local_ipv4;
  std::string remote_service;
  std::string remote_ipv4;
  int remote_port = 0;
  std::map<std::string, std::string> tags;
  std::vector<std::string> annotations;

  bool HasTag(std::string_view key) const { return tags.contains(std::string(key)); }
  std::string Tag(std::string_view key) const;
};

// Every span of every request the collector received, in order. Malformed JSON fails the test.
std::vector<ReportedSpan> DecodeSpans(const trace_http::testing::RecordingCollector& collector);

// The first span with this name (and, when given, kind), or nullopt.
std::optional<ReportedSpan> FindSpan(const std::vector<ReportedSpan>& spans, std::string_view name,
                                     std::string_view kind = {});

// A config for tests: 127.0.0.1, port 0, one I/O and one blocking thread, spans to `collector`
// (when given), short shutdown.
ServiceConfig TestServiceConfig(const trace_http::testing::RecordingCollector* collector);

}  // namespace cairn::landscape::testing
