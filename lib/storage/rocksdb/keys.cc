#include "lib/storage/rocksdb/keys.h"

#include <charconv>
#include <limits>

#include "lib/storage/rocksdb/coding.h"

namespace cairn::storage::rdb {
namespace {

constexpr std::string_view kSpansFamilyPrefix = "spans.";
constexpr std::string_view kIndexFamilyPrefix = "index.";

void PutFixed16BE(std::string& out, std::uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value & 0xff));
}

std::optional<std::int64_t> ParseNonNegative(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

}  // namespace

std::string SpanGroupKey(std::uint64_t trace_lo, std::uint64_t trace_hi, std::uint64_t seq) {
  std::string key;
  key.reserve(kSpanKeySize);
  PutFixed64BE(key, trace_lo);
  PutFixed64BE(key, trace_hi);
  PutFixed64BE(key, seq);
  return key;
}

std::string SpanPrefix(std::uint64_t trace_lo) {
  std::string key;
  PutFixed64BE(key, trace_lo);
  return key;
}

std::optional<SpanGroupKeyParts> ParseSpanGroupKey(std::string_view key) {
  if (key.size() != kSpanKeySize) return std::nullopt;
  return SpanGroupKeyParts{DecodeFixed64BE(key.data()), DecodeFixed64BE(key.data() + 8),
                           DecodeFixed64BE(key.data() + 16)};
}

std::uint32_t PostingSlotOf(std::int64_t timestamp_us) {
  if (timestamp_us <= 0) return 0;
  const std::int64_t slot = timestamp_us / kPostingSlotMicros;
  constexpr std::int64_t kMaxSlot = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(slot > kMaxSlot ? kMaxSlot : slot);
}

std::string PostingTermPrefix(PostingType type, std::string_view term, std::uint8_t partition) {
  if (term.size() > kMaxTermBytes) term = term.substr(0, kMaxTermBytes);
  std::string key;
  key.reserve(3 + term.size() + 1 + 12);
  key.push_back(static_cast<char>(type));
  PutFixed16BE(key, static_cast<std::uint16_t>(term.size()));
  key.append(term);
  if (type == PostingType::kTagKey) key.push_back(static_cast<char>(partition));
  return key;
}

std::string PostingSeekKey(std::string_view term_prefix, std::uint32_t slot) {
  std::string key(term_prefix);
  PutFixed32BE(key, ~slot);
  return key;
}

std::string PostingGroupKey(std::string_view term_prefix, std::uint32_t slot, std::uint64_t seq) {
  std::string key = PostingSeekKey(term_prefix, slot);
  PutFixed64BE(key, seq);
  return key;
}

std::optional<std::uint32_t> PostingGroupSlot(std::string_view key, std::size_t prefix_size) {
  if (key.size() != prefix_size + 12) return std::nullopt;
  return ~DecodeFixed32BE(key.data() + prefix_size);
}

std::string ServiceNameKey(std::string_view service) {
  std::string key;
  key.reserve(1 + service.size());
  key.push_back(kServiceNameTag);
  key.append(service);
  return key;
}

std::string PairNamePrefix(char tag, std::string_view first) {
  std::string key;
  key.reserve(5 + first.size());
  key.push_back(tag);
  PutFixed32BE(key, static_cast<std::uint32_t>(first.size()));
  key.append(first);
  return key;
}

std::string PairNameKey(char tag, std::string_view first, std::string_view second) {
  std::string key = PairNamePrefix(tag, first);
  key.append(second);
  return key;
}

std::string ContributionKey(std::uint64_t trace_lo) {
  std::string key;
  key.reserve(kContributionKeySize);
  PutFixed64BE(key, trace_lo);
  key.push_back('\xff');
  return key;
}

std::string MetaKey(std::string_view name) {
  std::string key;
  key.reserve(1 + name.size());
  key.push_back('m');
  key.append(name);
  return key;
}

std::string DirtyKey(std::uint64_t seq) {
  std::string key;
  key.reserve(9);
  key.push_back(kDirtyTag);
  PutFixed64BE(key, seq);
  return key;
}

std::int64_t LinkLevelMicros(LinkLevel level) {
  switch (level) {
    case LinkLevel::kHour:
      return 3'600'000'000;
    case LinkLevel::kMinute:
      return 60'000'000;
    case LinkLevel::kSecond:
      break;
  }
  return 1'000'000;
}

std::string LinkCounterSeekKey(LinkLevel level, std::int64_t index) {
  std::string key;
  key.reserve(9);
  key.push_back(static_cast<char>(level));
  PutFixed64BE(key, static_cast<std::uint64_t>(index < 0 ? 0 : index));
  return key;
}

std::string LinkCounterKey(LinkLevel level, std::int64_t index, std::string_view parent,
                           std::string_view child) {
  std::string key = LinkCounterSeekKey(level, index);
  key.reserve(13 + parent.size() + child.size());
  PutFixed32BE(key, static_cast<std::uint32_t>(parent.size()));
  key.append(parent);
  key.append(child);
  return key;
}

std::optional<LinkCounterKeyParts> ParseLinkCounterKey(std::string_view key) {
  if (key.size() < 13) return std::nullopt;
  const std::uint32_t parent_size = DecodeFixed32BE(key.data() + 9);
  if (parent_size > key.size() - 13) return std::nullopt;
  return LinkCounterKeyParts{key.substr(13, parent_size), key.substr(13 + parent_size)};
}

std::string TraceLinksSeekKey(std::int64_t timestamp_us) {
  std::string key;
  key.reserve(25);
  key.push_back(kTraceLinksTag);
  PutFixed64BE(key, static_cast<std::uint64_t>(timestamp_us < 0 ? 0 : timestamp_us));
  return key;
}

std::string TraceLinksKey(std::int64_t timestamp_us, std::uint64_t trace_lo,
                          std::uint64_t trace_hi) {
  std::string key = TraceLinksSeekKey(timestamp_us);
  PutFixed64BE(key, trace_lo);
  PutFixed64BE(key, trace_hi);
  return key;
}

std::string BucketFamilyName(BucketFamily family, std::int64_t start_s, std::int64_t length_s) {
  std::string name(family == BucketFamily::kSpans ? kSpansFamilyPrefix : kIndexFamilyPrefix);
  name += std::to_string(start_s);
  name += '.';
  name += std::to_string(length_s);
  return name;
}

std::optional<BucketFamilyNameParts> ParseBucketFamilyName(std::string_view name) {
  BucketFamilyNameParts parts;
  if (name.starts_with(kSpansFamilyPrefix)) {
    parts.family = BucketFamily::kSpans;
  } else if (name.starts_with(kIndexFamilyPrefix)) {
    parts.family = BucketFamily::kIndex;
  } else {
    return std::nullopt;
  }
  name.remove_prefix(kSpansFamilyPrefix.size());
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::optional<std::int64_t> start = ParseNonNegative(name.substr(0, dot));
  std::optional<std::int64_t> length = ParseNonNegative(name.substr(dot + 1));
  if (!start || !length || *length == 0) return std::nullopt;
  parts.start_s = *start;
  parts.length_s = *length;
  return parts;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string successor(prefix);
  while (!successor.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(successor.back());
    if (last != 0xff) {
      ++last;
      return successor;
    }
    successor.pop_back();
  }
  return successor;
}

}  // namespace cairn::storage::rdb
