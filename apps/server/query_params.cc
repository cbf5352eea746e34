#include "apps/server/query_params.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "lib/codec/text.h"
#include "lib/codec/zipkin_ids.h"
#include "lib/storage/annotation_query.h"

namespace cairn::server {
namespace {

// Java's String.trim: strips chars <= U+0020 from both ends.
std::string_view JavaTrim(std::string_view text) {
  while (!text.empty() && static_cast<unsigned char>(text.front()) <= ' ') text.remove_prefix(1);
  while (!text.empty() && static_cast<unsigned char>(text.back()) <= ' ') text.remove_suffix(1);
  return text;
}

Result<std::optional<std::int64_t>> ParseBounded(const ParamLookup& params, std::string_view name,
                                                 std::int64_t min, std::int64_t max) {
  std::optional<std::string> text = params(name);
  if (!text || text->empty()) return std::optional<std::int64_t>();
  std::string_view digits = *text;
  // Long.parseLong takes a leading '+' or '-'.
  if (digits.size() > 1 && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || value < min || value > max) {
    constexpr std::size_t kMaxShown = 64;
    std::string shown = text->substr(0, kMaxShown);
    if (text->size() > kMaxShown) shown += "...";
    return InvalidArgument(std::string(name) + " must be an integer, not \"" + shown + "\"");
  }
  return std::optional<std::int64_t>(value);
}

std::optional<std::string> NameParam(const ParamLookup& params, std::string_view name) {
  std::optional<std::string> value = params(name);
  if (!value || value->empty()) return std::nullopt;
  return NormalizeName(*value);
}

}  // namespace

Status MissingParameter(std::string_view name) {
  return InvalidArgument("Mandatory parameter/header is missing: " + std::string(name));
}

Result<std::optional<std::int64_t>> ParseLongParam(const ParamLookup& params,
                                                   std::string_view name) {
  return ParseBounded(params, name, std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int64_t>::max());
}

Result<std::optional<std::int64_t>> ParseIntParam(const ParamLookup& params,
                                                  std::string_view name) {
  return ParseBounded(params, name, std::numeric_limits<std::int32_t>::min(),
                      std::numeric_limits<std::int32_t>::max());
}

std::string NormalizeName(std::string_view name) {
  if (!codec::MayNeedLowerCase(name)) return std::string(name);
  std::string lower;
  codec::AppendLowerCaseRoot(name, lower);
  return lower;
}

Result<storage::QueryRequest> ParseTracesQuery(const ParamLookup& params, std::int64_t now_ms,
                                               std::int64_t default_lookback_ms) {
  // Numbers first: Armeria converts every parameter before Zipkin's builder validates.
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> min_duration,
                         ParseLongParam(params, "minDuration"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> max_duration,
                         ParseLongParam(params, "maxDuration"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> end_ts, ParseLongParam(params, "endTs"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> lookback, ParseLongParam(params, "lookback"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit, ParseIntParam(params, "limit"));

  storage::QueryRequest request;
  request.service_name = NameParam(params, "serviceName").value_or("");
  request.remote_service_name = NameParam(params, "remoteServiceName").value_or("");
  request.span_name = NameParam(params, "spanName").value_or("");
  if (request.span_name == "all") request.span_name.clear();
  if (std::optional<std::string> text = params("annotationQuery")) {
    request.annotation_query = storage::ParseAnnotationQuery(*text);
    // QueryRequest.Builder.build(): annotationQuery.remove("").
    std::erase_if(request.annotation_query,
                  [](const storage::QueryRequest::Term& term) { return term.key.empty(); });
  }
  request.end_ts_ms = end_ts.value_or(now_ms);
  request.lookback_ms = lookback.value_or(default_lookback_ms);
  request.limit = static_cast<int>(limit.value_or(10));

  if (request.end_ts_ms <= 0) return InvalidArgument("endTs <= 0");
  if (request.limit <= 0) return InvalidArgument("limit <= 0");
  if (request.lookback_ms <= 0) return InvalidArgument("lookback <= 0");
  if (min_duration) {
    if (*min_duration <= 0) return InvalidArgument("minDuration <= 0");
    if (max_duration && *max_duration < *min_duration) {
      return InvalidArgument("maxDuration < minDuration");
    }
  } else if (max_duration) {
    return InvalidArgument("maxDuration is only valid with minDuration");
  }
  request.min_duration_us = min_duration.value_or(0);
  request.max_duration_us = max_duration.value_or(0);
  return request;
}

Result<DependenciesQuery> ParseDependenciesQuery(const ParamLookup& params,
                                                 std::int64_t default_lookback_ms) {
  std::optional<std::string> end_text = params("endTs");
  if (!end_text || end_text->empty()) return MissingParameter("endTs");
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> end_ts, ParseLongParam(params, "endTs"));
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::int64_t> lookback, ParseLongParam(params, "lookback"));
  DependenciesQuery query;
  query.end_ts_ms = *end_ts;
  query.lookback_ms = lookback.value_or(default_lookback_ms);
  if (query.end_ts_ms <= 0) return InvalidArgument("endTs <= 0");
  if (query.lookback_ms <= 0) return InvalidArgument("lookback <= 0");
  return query;
}

Result<trace::TraceId> ParseTraceIdParam(std::string_view text) {
  return codec::ParseTraceId(JavaTrim(text));
}

Result<std::vector<trace::TraceId>> ParseTraceIdsParam(std::string_view text) {
  if (text.empty()) return InvalidArgument("traceIds parameter is empty");
  constexpr std::size_t kMaxPieces = 1000;
  std::vector<trace::TraceId> ids;
  std::size_t pieces = 0;
  while (true) {
    ++pieces;
    const std::size_t comma = pieces < kMaxPieces ? text.find(',') : std::string_view::npos;
    const std::string_view piece = text.substr(0, comma);
    Result<trace::TraceId> id = codec::ParseTraceId(piece);
    if (!id.ok()) return id.status();
    if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
      return InvalidArgument("redundant traceId: " + std::string(piece));
    }
    ids.push_back(*id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (ids.size() == 1) {
    return InvalidArgument("Use /api/v2/trace/{traceId} endpoint to retrieve a single trace");
  }
  return ids;
}

}  // namespace cairn::server
