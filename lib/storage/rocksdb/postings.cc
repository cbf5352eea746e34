#include "lib/storage/rocksdb/postings.h"

#include <algorithm>

namespace cairn::storage::rdb {

std::uint32_t ServiceHash(std::string_view service) {
  std::uint32_t hash = 2166136261u;
  for (char c : service) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

void PostingsBuilder::AddSpan(const trace::SpanRecord& span, std::int64_t bound_us, bool exact) {
  Posting posting;
  posting.trace_lo = span.trace_id.low;
  posting.trace_hi = span.trace_id.high;
  posting.bound_us = bound_us;
  posting.duration_us = span.duration_us > 0 ? span.duration_us : 0;
  posting.flags = exact ? Posting::kRoot : 0;
  const std::string_view service = span.local_endpoint.service_name;
  posting.service_hash = ServiceHash(service);
  const std::uint32_t slot = PostingSlotOf(bound_us);

  Add(PostingType::kAll, {}, slot, posting);
  if (!service.empty()) Add(PostingType::kService, service, slot, posting);
  if (!span.name.empty()) Add(PostingType::kSpanName, span.name, slot, posting);
  if (!span.remote_endpoint.service_name.empty()) {
    Add(PostingType::kRemote, span.remote_endpoint.service_name, slot, posting);
  }
  for (const trace::TagView& tag : span.tags()) {
    Posting tagged = posting;
    tagged.value_hash = ValueHash(tag.value);
    Add(PostingType::kTagKey, tag.key, slot, tagged);
  }
  for (const trace::AnnotationView& annotation : span.annotations()) {
    Add(PostingType::kAnnotation, annotation.value, slot, posting);
  }
}

void PostingsBuilder::Add(PostingType type, std::string_view term, std::uint32_t slot,
                          const Posting& posting) {
  if (term.size() > kMaxTermBytes) term = term.substr(0, kMaxTermBytes);
  const TermKey term_key{
      type, term,
      type == PostingType::kTagKey ? TagPartition(posting.value_hash) : std::uint8_t{0}};
  // Spans of a batch share most terms (services, tag keys): a small direct-mapped cache of recent
  // terms saves most of the hashing.
  auto& [recent, recent_groups] =
      recent_terms_[(static_cast<std::size_t>(type) * 7 + term.size() + term_key.partition) %
                    recent_terms_.size()];
  if (recent_groups == nullptr || !(recent == term_key)) {
    recent = term_key;
    recent_groups = &terms_[term_key];
  }
  std::vector<std::size_t>& term_groups = *recent_groups;
  std::size_t index = groups_.size();
  // Newest groups first: the spans of a trace, which come one after another, share a slot.
  for (auto it = term_groups.rbegin(); it != term_groups.rend(); ++it) {
    if (groups_[*it].slot == slot) {
      index = *it;
      break;
    }
  }
  if (index == groups_.size()) {
    groups_.push_back(Group{term_key, slot, {}});
    groups_.back().postings.reserve(16);
    term_groups.push_back(index);
  }
  std::vector<Posting>& postings = groups_[index].postings;
  // Spans arrive grouped by trace, so a trace's postings in one group are adjacent: merging with
  // the last one keeps one posting per trace (and tag value).
  if (!postings.empty()) {
    Posting& last = postings.back();
    const bool same = last.trace_lo == posting.trace_lo && last.trace_hi == posting.trace_hi &&
                      (!CarriesServiceHash(type) || last.service_hash == posting.service_hash) &&
                      (type != PostingType::kTagKey || last.value_hash == posting.value_hash);
    if (same) {
      // Spans of one trace share their bound; taking the lower one keeps it a bound regardless.
      last.bound_us = std::min(last.bound_us, posting.bound_us);
      last.duration_us = std::max(last.duration_us, posting.duration_us);
      last.flags |= posting.flags;
      return;
    }
  }
  postings.push_back(posting);
}

void PostingsBuilder::Emit(
    std::uint64_t seq, const std::function<void(std::string_view, std::string_view)>& emit) const {
  std::string key;
  std::string value;
  for (const Group& group : groups_) {
    key = PostingTermPrefix(group.term.type, group.term.term, group.term.partition);
    PutFixed32BE(key, ~group.slot);
    PutFixed64BE(key, seq);
    value.clear();
    const std::int64_t base = PostingSlotStartMicros(group.slot);
    const bool with_hash = CarriesServiceHash(group.term.type);
    const bool with_value = group.term.type == PostingType::kTagKey;
    for (const Posting& posting : group.postings) {
      // Clamped so the offset stays inside the slot (bounds past the 32-bit slot range, in the
      // 34th century, share the last slot).
      const std::int64_t offset =
          std::clamp<std::int64_t>(posting.bound_us - base, 0, kPostingSlotMicros - 1);
      char buffer[8 + 8 + 10 + 10 + 1 + 4 + 4];
      char* p = buffer;
      p = EncodeFixed64BE(p, posting.trace_lo);
      p = EncodeFixed64BE(p, posting.trace_hi);
      p = EncodeVarint64(p, static_cast<std::uint64_t>(offset));
      p = EncodeVarint64(p, static_cast<std::uint64_t>(posting.duration_us));
      *p++ = static_cast<char>(posting.flags);
      if (with_hash) p = EncodeFixed32BE(p, posting.service_hash);
      if (with_value) p = EncodeFixed32BE(p, posting.value_hash);
      value.append(buffer, static_cast<std::size_t>(p - buffer));
    }
    emit(key, value);
  }
}

PostingReader::PostingReader(PostingType type, std::uint32_t slot, std::string_view value)
    : type_(type), base_us_(PostingSlotStartMicros(slot)), reader_(value) {}

bool PostingReader::Next(Posting& posting) {
  if (!ok_ || reader_.empty()) return false;
  std::uint64_t offset = 0;
  std::uint64_t duration = 0;
  posting = Posting{};
  bool read = reader_.ReadFixed64BE(posting.trace_lo) && reader_.ReadFixed64BE(posting.trace_hi) &&
              reader_.ReadVarint64(offset) && reader_.ReadVarint64(duration) &&
              reader_.ReadByte(posting.flags);
  if (read && CarriesServiceHash(type_)) {
    std::uint32_t hash = 0;
    read = reader_.ReadFixed32BE(hash);
    posting.service_hash = hash;
  }
  if (read && type_ == PostingType::kTagKey) read = reader_.ReadFixed32BE(posting.value_hash);
  // Offsets lie inside the slot; anything larger means the value is damaged.
  if (!read || offset >= static_cast<std::uint64_t>(kPostingSlotMicros) ||
      duration > static_cast<std::uint64_t>(INT64_MAX)) {
    ok_ = false;
    return false;
  }
  posting.bound_us = base_us_ + static_cast<std::int64_t>(offset);
  posting.duration_us = static_cast<std::int64_t>(duration);
  return true;
}

}  // namespace cairn::storage::rdb
