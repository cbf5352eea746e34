#include "lib/codec/normalize.h"

#include <algorithm>
#include <string>

#include "lib/codec/ip_address.h"
#include "lib/codec/text.h"

namespace cairn::codec {
namespace {

using trace::AnnotationView;
using trace::EndpointView;
using trace::SpanRecord;
using trace::TagView;

// Returns the lower-cased text interned in `span` when it differs, else `text` itself.
std::string_view LowerCased(SpanRecord& span, std::string_view text) {
  if (!MayNeedLowerCase(text)) return text;
  thread_local std::string scratch;
  scratch.clear();
  AppendLowerCaseRoot(text, scratch);
  if (scratch == text) return text;
  return span.Intern(scratch);
}

void NormalizeEndpoint(SpanRecord& span, EndpointView& endpoint, bool ips_canonical) {
  endpoint.service_name = LowerCased(span, endpoint.service_name);
  if (ips_canonical || (endpoint.ipv4.empty() && endpoint.ipv6.empty())) return;
  // Same order as reading JSON: ipv4 first, then ipv6 (which may carry an embedded IPv4).
  IpText ipv4;
  IpText ipv6;
  for (std::string_view text : {endpoint.ipv4, endpoint.ipv6}) {
    IpText parsed;
    if (text.empty() || !parsed.ParseText(text)) continue;
    (parsed.family() == IpText::Family::kIpv4 ? ipv4 : ipv6) = parsed;
  }
  if (ipv4.text() != endpoint.ipv4) endpoint.ipv4 = span.Intern(ipv4.text());
  if (ipv6.text() != endpoint.ipv6) endpoint.ipv6 = span.Intern(ipv6.text());
}

bool AnnotationLess(const AnnotationView& a, const AnnotationView& b) {
  if (a.timestamp_us != b.timestamp_us) return a.timestamp_us < b.timestamp_us;
  return CompareUtf16(a.value, b.value) < 0;
}

bool TagKeyLess(const TagView& a, const TagView& b) { return CompareUtf16(a.key, b.key) < 0; }

void NormalizeAnnotations(SpanRecord& span) {
  std::span<AnnotationView> annotations = span.mutable_annotations();
  if (annotations.size() < 2) return;
  bool sorted_unique = true;
  for (std::size_t i = 1; i < annotations.size() && sorted_unique; ++i) {
    sorted_unique = AnnotationLess(annotations[i - 1], annotations[i]);
  }
  if (sorted_unique) return;
  std::stable_sort(annotations.begin(), annotations.end(), AnnotationLess);
  std::size_t kept = 1;
  for (std::size_t i = 1; i < annotations.size(); ++i) {
    const AnnotationView& last = annotations[kept - 1];
    if (annotations[i].timestamp_us == last.timestamp_us && annotations[i].value == last.value) {
      continue;
    }
    annotations[kept++] = annotations[i];
  }
  span.TruncateAnnotations(kept);
}

void NormalizeTags(SpanRecord& span) {
  std::span<TagView> tags = span.mutable_tags();
  if (tags.size() < 2) return;
  bool sorted_unique = true;
  for (std::size_t i = 1; i < tags.size() && sorted_unique; ++i) {
    sorted_unique = TagKeyLess(tags[i - 1], tags[i]);
  }
  if (sorted_unique) return;
  // Stable, so among equal keys the last added is last; keep that one (TreeMap.put semantics).
  std::stable_sort(tags.begin(), tags.end(), TagKeyLess);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (kept > 0 && tags[kept - 1].key == tags[i].key) {
      tags[kept - 1] = tags[i];
    } else {
      tags[kept++] = tags[i];
    }
  }
  span.TruncateTags(kept);
}

Status Normalize(SpanRecord& span, bool ips_canonical) {
  if (!span.trace_id.IsValid() || span.id == 0) {
    std::string message = "Missing :";
    if (!span.trace_id.IsValid()) message += " traceId";
    if (span.id == 0) message += " id";
    return InvalidArgument(std::move(message));
  }
  if (span.parent_id == span.id) span.parent_id = 0;
  if (span.shared && span.kind == trace::SpanKind::kClient) span.shared = false;
  if (span.timestamp_us < 0) span.timestamp_us = 0;
  if (span.duration_us < 0) span.duration_us = 0;
  span.name = LowerCased(span, span.name);
  NormalizeEndpoint(span, span.local_endpoint, ips_canonical);
  NormalizeEndpoint(span, span.remote_endpoint, ips_canonical);
  NormalizeAnnotations(span);
  NormalizeTags(span);
  return Status::Ok();
}

}  // namespace

Status NormalizeSpan(SpanRecord& span) { return Normalize(span, false); }

namespace internal {
Status NormalizeDecodedSpan(SpanRecord& span) { return Normalize(span, true); }
}  // namespace internal

}  // namespace cairn::codec
