#include "lib/storage/mem_span_store.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <utility>

#include "lib/codec/text.h"
#include "lib/storage/dependency_linker.h"
#include "lib/storage/stored_span.h"

namespace cairn::storage {
namespace {

// Readers copy span pointers for this many groups per shared-lock hold, then decode and match
// without the lock, so neither a long search nor a dependency computation holds writers back.
constexpr std::size_t kGroupsPerSnapshot = 64;

std::string LowerCased(std::string_view text) {
  if (!codec::MayNeedLowerCase(text)) return std::string(text);
  std::string out;
  codec::AppendLowerCaseRoot(text, out);
  return out;
}

}  // namespace

MemSpanStore::MemSpanStore(StoreOptions options, std::size_t max_spans)
    : options_(std::move(options)),
      max_spans_(std::max<std::size_t>(max_spans, 1)),
      autocomplete_keys_(options_.autocomplete_keys.begin(), options_.autocomplete_keys.end()) {}

MemSpanStore::~MemSpanStore() = default;

std::size_t MemSpanStore::span_count() const {
  std::shared_lock lock(mu_);
  return span_count_;
}

std::size_t MemSpanStore::trace_count() const {
  std::shared_lock lock(mu_);
  return groups_.size();
}

Status MemSpanStore::Accept(std::span<const trace::SpanRecord* const> spans) {
  if (spans.empty()) return Status::Ok();
  // Encode before taking the lock: the exclusive section only links prepared nodes in.
  std::vector<SpanPtr> stored;
  stored.reserve(spans.size());
  for (const trace::SpanRecord* span : spans) {
    auto entry = std::make_shared<StoredSpan>();
    entry->trace_id = span->trace_id;
    entry->id = span->id;
    entry->timestamp_us = span->timestamp_us;
    entry->is_root = span->parent_id == 0;
    entry->local_service = std::string(span->local_endpoint.service_name);
    entry->json = EncodeStoredSpan(*span);
    stored.push_back(std::move(entry));
  }

  std::unique_lock lock(mu_);
  // Zipkin evicts before inserting, whole traces at a time, until the batch fits.
  while (span_count_ + spans.size() > max_spans_ && !by_time_.empty()) EvictOldestLocked();
  for (std::size_t i = 0; i < spans.size(); ++i) InsertLocked(*spans[i], std::move(stored[i]));
  return Status::Ok();
}

void MemSpanStore::InsertLocked(const trace::SpanRecord& record, SpanPtr stored) {
  const std::uint64_t low = record.trace_id.low;
  auto [it, created] = groups_.try_emplace(low);
  Group& group = it->second;
  group.timestamp.Add(stored->timestamp_us, stored->is_root);
  // Most spans of a trace do not change its timestamp: re-index only when it moves.
  if (created || group.timestamp.value() != group.indexed_timestamp) {
    if (!created) by_time_.erase({group.indexed_timestamp, low});
    group.indexed_timestamp = group.timestamp.value();
    by_time_.insert({group.indexed_timestamp, low});
  }

  auto position = std::upper_bound(
      group.spans.begin(), group.spans.end(), stored, [](const SpanPtr& a, const SpanPtr& b) {
        return std::pair(a->timestamp_us, a->id) < std::pair(b->timestamp_us, b->id);
      });
  const std::string& service = stored->local_service;
  group.spans.insert(position, std::move(stored));
  ++span_count_;

  if (!options_.search_enabled) return;
  if (!service.empty()) {
    // service_groups_ lists the group under exactly the services in group.services.
    if (std::find(group.services.begin(), group.services.end(), service) == group.services.end()) {
      group.services.push_back(service);
      service_groups_[service].insert(low);
    }
    // Names repeat: look them up before building a string to insert.
    auto remember = [&](NameIndex& index, std::string_view name) {
      if (name.empty()) return;
      NameSet& names = index[service];
      if (names.find(name) == names.end()) names.emplace(name);
    };
    remember(span_names_, record.name);
    remember(remote_names_, record.remote_endpoint.service_name);
  }
  if (autocomplete_keys_.empty()) return;
  for (const trace::TagView& tag : record.tags()) {
    if (autocomplete_keys_.count(std::string(tag.key)) == 0) continue;
    NameSet& values = autocomplete_[std::string(tag.key)];
    if (values.size() < kMaxAutocompleteValues) values.emplace(tag.value);
  }
}

void MemSpanStore::EvictOldestLocked() {
  const std::uint64_t low = by_time_.begin()->second;
  by_time_.erase(by_time_.begin());
  auto it = groups_.find(low);
  if (it == groups_.end()) return;
  for (const std::string& service : it->second.services) {
    auto traces = service_groups_.find(service);
    if (traces == service_groups_.end()) continue;
    traces->second.erase(low);
    if (!traces->second.empty()) continue;
    // The service is orphaned: forget its names too.
    service_groups_.erase(traces);
    if (auto names = span_names_.find(service); names != span_names_.end()) {
      span_names_.erase(names);
    }
    if (auto names = remote_names_.find(service); names != remote_names_.end()) {
      remote_names_.erase(names);
    }
  }
  span_count_ -= it->second.spans.size();
  groups_.erase(it);
}

Result<Trace> MemSpanStore::GetTrace(const trace::TraceId& trace_id) {
  SpanList spans;
  {
    std::shared_lock lock(mu_);
    spans = SnapshotLocked(trace_id.low);
  }
  Trace trace;
  trace.reserve(spans.size());
  for (const SpanPtr& span : spans) {
    if (options_.strict_trace_id && !(span->trace_id == trace_id)) continue;
    trace.push_back(span->json);
  }
  return trace;
}

Result<std::vector<Trace>> MemSpanStore::GetTraces(std::span<const trace::TraceId> ids) {
  std::vector<std::uint64_t> lows;
  for (const trace::TraceId& id : ids) {
    if (std::find(lows.begin(), lows.end(), id.low) == lows.end()) lows.push_back(id.low);
  }
  std::vector<SpanList> groups;
  {
    std::shared_lock lock(mu_);
    groups = SnapshotLocked(lows);
  }
  std::vector<Trace> traces;
  for (SpanList& group : groups) {
    for (const SpanList& spans : SplitTraces(std::move(group))) {
      if (spans.empty()) continue;
      if (options_.strict_trace_id &&
          std::find(ids.begin(), ids.end(), spans.front()->trace_id) == ids.end()) {
        continue;
      }
      Trace& trace = traces.emplace_back();
      for (const SpanPtr& span : spans) trace.push_back(span->json);
    }
  }
  return traces;
}

Result<std::vector<Trace>> MemSpanStore::GetTraces(const QueryRequest& request) {
  if (!options_.search_enabled || request.limit <= 0) return std::vector<Trace>{};
  const TimeWindow window = WindowOf(request.end_ts_ms, request.lookback_ms);
  const bool decode = NeedsSpanFields(request);
  const std::size_t limit = static_cast<std::size_t>(request.limit);

  std::vector<std::uint64_t> candidates;
  {
    std::shared_lock lock(mu_);
    candidates = CandidatesLocked(window, request.service_name);
  }
  std::vector<std::pair<std::int64_t, SpanList>> matches;
  for (std::size_t begin = 0; begin < candidates.size() && matches.size() < limit;
       begin += kGroupsPerSnapshot) {
    std::span<const std::uint64_t> chunk(candidates.data() + begin,
                                         std::min(kGroupsPerSnapshot, candidates.size() - begin));
    std::vector<SpanList> groups;
    {
      std::shared_lock lock(mu_);
      groups = SnapshotLocked(chunk);
    }
    for (SpanList& group : groups) {
      for (SpanList& spans : SplitTraces(std::move(group))) {
        if (matches.size() >= limit) break;
        TraceTimestamp timestamp;
        bool has_service = request.service_name.empty();
        for (const SpanPtr& span : spans) {
          timestamp.Add(span->timestamp_us, span->is_root);
          if (span->local_service == request.service_name) has_service = true;
        }
        if (!window.Contains(timestamp.value()) || !has_service) continue;
        if (decode) {
          std::vector<std::string_view> json;
          json.reserve(spans.size());
          for (const SpanPtr& span : spans) json.push_back(span->json);
          Result<codec::SpanList> records = DecodeStoredSpans(json);
          if (!records.ok()) return records.status();
          if (!TraceMatches(request, SpanPointers(*records))) continue;
        }
        matches.emplace_back(timestamp.value(), std::move(spans));
      }
    }
  }
  // Candidates come newest group first; strict splitting can reorder within a group.
  std::stable_sort(matches.begin(), matches.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Trace> traces;
  traces.reserve(matches.size());
  for (const auto& [timestamp, spans] : matches) {
    Trace& trace = traces.emplace_back();
    trace.reserve(spans.size());
    for (const SpanPtr& span : spans) trace.push_back(span->json);
  }
  return traces;
}

Result<std::vector<DependencyLink>> MemSpanStore::GetDependencies(std::int64_t end_ts_ms,
                                                                  std::int64_t lookback_ms) {
  const TimeWindow window = WindowOf(end_ts_ms, lookback_ms);
  std::vector<std::uint64_t> candidates;
  {
    std::shared_lock lock(mu_);
    candidates = CandidatesLocked(window, "");
  }
  DependencyLinker linker;
  for (std::size_t begin = 0; begin < candidates.size(); begin += kGroupsPerSnapshot) {
    std::span<const std::uint64_t> chunk(candidates.data() + begin,
                                         std::min(kGroupsPerSnapshot, candidates.size() - begin));
    std::vector<SpanList> groups;
    {
      std::shared_lock lock(mu_);
      groups = SnapshotLocked(chunk);
    }
    for (const SpanList& spans : groups) {
      std::vector<std::string_view> json;
      json.reserve(spans.size());
      for (const SpanPtr& span : spans) json.push_back(span->json);
      Result<codec::SpanList> records = DecodeStoredSpans(json);
      if (!records.ok()) return records.status();
      linker.PutTrace(SpanPointers(*records));
    }
  }
  return linker.Link();
}

Result<std::vector<std::string>> MemSpanStore::GetServiceNames() {
  std::vector<std::string> names;
  if (!options_.search_enabled) return names;
  std::shared_lock lock(mu_);
  names.reserve(service_groups_.size());
  for (const auto& entry : service_groups_) names.push_back(entry.first);
  return names;
}

Result<std::vector<std::string>> MemSpanStore::GetSpanNames(std::string_view service_name) {
  return NamesOf(span_names_, service_name);
}

Result<std::vector<std::string>> MemSpanStore::GetRemoteServiceNames(
    std::string_view service_name) {
  return NamesOf(remote_names_, service_name);
}

Result<std::vector<std::string>> MemSpanStore::GetAutocompleteValues(std::string_view key) {
  if (!options_.search_enabled || key.empty()) return std::vector<std::string>{};
  std::shared_lock lock(mu_);
  auto found = autocomplete_.find(key);
  if (found == autocomplete_.end()) return std::vector<std::string>{};
  return std::vector<std::string>(found->second.begin(), found->second.end());
}

std::vector<std::string> MemSpanStore::NamesOf(const NameIndex& index,
                                               std::string_view service) const {
  if (!options_.search_enabled || service.empty()) return {};
  const std::string lower = LowerCased(service);  // service names are always lower case
  std::shared_lock lock(mu_);
  auto found = index.find(lower);
  if (found == index.end()) return {};
  return std::vector<std::string>(found->second.begin(), found->second.end());
}

std::vector<std::uint64_t> MemSpanStore::CandidatesLocked(const TimeWindow& window,
                                                          std::string_view service_name) const {
  std::vector<std::uint64_t> lows;
  if (window.end_us < window.begin_us) return lows;
  if (service_name.empty()) {
    auto it = by_time_.upper_bound({window.end_us, std::numeric_limits<std::uint64_t>::max()});
    while (it != by_time_.begin()) {
      --it;
      if (it->first < window.begin_us || it->first <= 0) break;
      lows.push_back(it->second);
    }
    return lows;
  }
  auto service = service_groups_.find(service_name);
  if (service == service_groups_.end()) return lows;
  std::vector<TimeKey> keys;
  for (std::uint64_t low : service->second) {
    auto group = groups_.find(low);
    if (group == groups_.end()) continue;
    if (window.Contains(group->second.indexed_timestamp)) {
      keys.emplace_back(group->second.indexed_timestamp, low);
    }
  }
  std::sort(keys.begin(), keys.end(), std::greater<>());
  lows.reserve(keys.size());
  for (const TimeKey& key : keys) lows.push_back(key.second);
  return lows;
}

MemSpanStore::SpanList MemSpanStore::SnapshotLocked(std::uint64_t low) const {
  auto found = groups_.find(low);
  return found == groups_.end() ? SpanList{} : found->second.spans;
}

std::vector<MemSpanStore::SpanList> MemSpanStore::SnapshotLocked(
    std::span<const std::uint64_t> lows) const {
  std::vector<SpanList> groups;
  groups.reserve(lows.size());
  for (std::uint64_t low : lows) {
    auto found = groups_.find(low);
    if (found != groups_.end()) groups.push_back(found->second.spans);
  }
  return groups;
}

std::vector<MemSpanStore::SpanList> MemSpanStore::SplitTraces(SpanList spans) const {
  std::vector<SpanList> traces;
  if (spans.empty()) return traces;
  if (!options_.strict_trace_id) {
    traces.push_back(std::move(spans));
    return traces;
  }
  // Almost always one full id per group: split only when there are several.
  for (SpanPtr& span : spans) {
    auto same = std::find_if(traces.begin(), traces.end(), [&](const SpanList& trace) {
      return trace.front()->trace_id == span->trace_id;
    });
    if (same == traces.end()) {
      traces.emplace_back().push_back(std::move(span));
    } else {
      same->push_back(std::move(span));
    }
  }
  return traces;
}

}  // namespace cairn::storage
