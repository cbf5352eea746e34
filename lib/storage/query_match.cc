#include "lib/storage/query_match.h"

#include <limits>
#include <string_view>
#include <vector>

namespace cairn::storage {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Milliseconds to microseconds, saturating: endTs comes from an HTTP parameter.
std::int64_t MillisToMicros(std::int64_t ms) {
  if (ms > kMax / 1000) return kMax;
  if (ms < kMin / 1000) return kMin;
  return ms * 1000;
}

bool DurationMatches(const QueryRequest& request, std::int64_t duration_us) {
  if (request.min_duration_us > 0 && duration_us < request.min_duration_us) return false;
  if (request.max_duration_us > 0 && duration_us > request.max_duration_us) return false;
  return true;
}

}  // namespace

void TraceTimestamp::Add(std::int64_t timestamp_us, bool is_root) {
  if (timestamp_us <= 0) return;
  if (is_root && (earliest_root_ == 0 || timestamp_us < earliest_root_)) {
    earliest_root_ = timestamp_us;
  }
  if (earliest_ == 0 || timestamp_us < earliest_) earliest_ = timestamp_us;
}

std::int64_t TraceTimestampOf(std::span<const trace::SpanRecord* const> spans) {
  TraceTimestamp timestamp;
  for (const trace::SpanRecord* span : spans) timestamp.Add(*span);
  return timestamp.value();
}

TimeWindow WindowOf(std::int64_t end_ts_ms, std::int64_t lookback_ms) {
  // end_ts_ms - lookback_ms cannot overflow for the positive values requests carry; saturate
  // for anything else rather than trusting the caller.
  std::int64_t begin_ms;
  if (lookback_ms > 0 && end_ts_ms < kMin + lookback_ms) {
    begin_ms = kMin;
  } else if (lookback_ms < 0 && end_ts_ms > kMax + lookback_ms) {
    begin_ms = kMax;
  } else {
    begin_ms = end_ts_ms - lookback_ms;
  }
  return {MillisToMicros(begin_ms), MillisToMicros(end_ts_ms)};
}

bool NeedsSpanFields(const QueryRequest& request) {
  return !request.remote_service_name.empty() || !request.span_name.empty() ||
         !request.annotation_query.empty() || request.min_duration_us > 0 ||
         request.max_duration_us > 0;
}

bool TraceMatches(const QueryRequest& request, std::span<const trace::SpanRecord* const> spans) {
  if (!InTimeWindow(TraceTimestampOf(spans), request.end_ts_ms, request.lookback_ms)) {
    return false;
  }
  const bool has_duration = request.min_duration_us > 0 || request.max_duration_us > 0;
  bool service_found = request.service_name.empty();
  bool remote_found = request.remote_service_name.empty();
  bool name_found = request.span_name.empty();
  bool duration_found = !has_duration;
  std::vector<bool> term_found(request.annotation_query.size(), false);
  std::size_t terms_left = term_found.size();

  for (const trace::SpanRecord* span : spans) {
    if (!request.service_name.empty() &&
        span->local_endpoint.service_name != request.service_name) {
      continue;
    }
    service_found = true;
    if (!remote_found && span->remote_endpoint.service_name == request.remote_service_name) {
      remote_found = true;
    }
    if (!name_found && span->name == request.span_name) name_found = true;
    if (!duration_found && DurationMatches(request, span->duration_us)) duration_found = true;
    for (std::size_t i = 0; i < term_found.size() && terms_left > 0; ++i) {
      if (term_found[i]) continue;
      const QueryRequest::Term& term = request.annotation_query[i];
      bool found = false;
      if (!term.value.has_value() || term.value->empty()) {
        for (const trace::AnnotationView& annotation : span->annotations()) {
          if (annotation.value == term.key) {
            found = true;
            break;
          }
        }
        if (!found) found = span->FindTag(term.key) != nullptr;
      } else {
        const trace::TagView* tag = span->FindTag(term.key);
        found = tag != nullptr && tag->value == *term.value;
      }
      if (found) {
        term_found[i] = true;
        --terms_left;
      }
    }
  }
  return service_found && remote_found && name_found && duration_found && terms_left == 0;
}

}  // namespace cairn::storage
