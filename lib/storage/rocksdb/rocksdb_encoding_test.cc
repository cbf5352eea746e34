// The RocksDB store's byte formats: key layouts sort as the design needs, values round-trip, and
// damaged values are reported instead of misread.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/link_counter.h"
#include "lib/storage/rocksdb/link_store.h"
#include "lib/storage/rocksdb/postings.h"
#include "lib/storage/rocksdb/span_group.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage::rdb {
namespace {

using ::testing::ElementsAre;
using testing::kTodayUs;
using testing::MakeSpan;

TEST(CodingTest, VarintsRoundTripAndRejectTruncation) {
  for (std::uint64_t value : std::initializer_list<std::uint64_t>{
           0, 1, 127, 128, 300, 1ULL << 35, std::numeric_limits<std::uint64_t>::max()}) {
    std::string bytes;
    PutVarint64(bytes, value);
    Reader reader(bytes);
    std::uint64_t read = 0;
    ASSERT_TRUE(reader.ReadVarint64(read));
    EXPECT_EQ(read, value);
    EXPECT_TRUE(reader.empty());
    if (bytes.size() > 1) {
      Reader truncated(std::string_view(bytes).substr(0, bytes.size() - 1));
      EXPECT_FALSE(truncated.ReadVarint64(read));
      EXPECT_FALSE(truncated.ok());
    }
  }
  for (std::int64_t value : std::initializer_list<std::int64_t>{
           0, -1, 1, -1000000, std::numeric_limits<std::int64_t>::min(),
           std::numeric_limits<std::int64_t>::max()}) {
    std::string bytes;
    PutSignedVarint64(bytes, value);
    Reader reader(bytes);
    std::int64_t read = 0;
    ASSERT_TRUE(reader.ReadSignedVarint64(read));
    EXPECT_EQ(read, value);
  }
  // Eleven continuation bytes are not a varint.
  Reader overlong(std::string(11, '\x80'));
  std::uint64_t ignored = 0;
  EXPECT_FALSE(overlong.ReadVarint64(ignored));
}

TEST(CodingTest, LengthPrefixedRejectsSizesPastTheEnd) {
  std::string bytes;
  PutVarint64(bytes, 1000);
  bytes += "short";
  Reader reader(bytes);
  std::string_view out;
  EXPECT_FALSE(reader.ReadLengthPrefixed(out));
}

TEST(KeysTest, BigEndianKeysSortNumerically) {
  EXPECT_LT(SpanGroupKey(1, 0, 9), SpanGroupKey(2, 0, 0));
  EXPECT_LT(SpanGroupKey(0xff, 0, 0), SpanGroupKey(0x100, 0, 0));
  EXPECT_LT(SpanGroupKey(5, 1, 0), SpanGroupKey(5, 2, 0));
  EXPECT_TRUE(SpanGroupKey(5, 7, 3).starts_with(SpanPrefix(5)));
  std::optional<SpanGroupKeyParts> parts = ParseSpanGroupKey(SpanGroupKey(5, 7, 3));
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->trace_lo, 5u);
  EXPECT_EQ(parts->trace_hi, 7u);
  EXPECT_EQ(parts->seq, 3u);
  EXPECT_FALSE(ParseSpanGroupKey("short").has_value());
  EXPECT_LT(DirtyKey(255), DirtyKey(256));
}

TEST(KeysTest, PostingGroupsSortNewestSlotFirstWithinTheirTerm) {
  const std::string prefix = PostingTermPrefix(PostingType::kService, "frontend");
  const std::string newer = PostingGroupKey(prefix, 1000, 1);
  const std::string older = PostingGroupKey(prefix, 999, 2);
  EXPECT_LT(newer, older);
  EXPECT_LE(PostingSeekKey(prefix, 1000), newer);
  EXPECT_EQ(PostingGroupSlot(newer, prefix.size()), 1000u);
  EXPECT_FALSE(PostingGroupSlot(newer, prefix.size() + 1).has_value());
  // Terms never share prefixes by accident: the length is part of the key.
  const std::string front = PostingTermPrefix(PostingType::kService, "front");
  EXPECT_FALSE(newer.starts_with(front));
  EXPECT_FALSE(PostingGroupKey(front, 1, 1).starts_with(prefix));
  // Long terms are cut to kMaxTermBytes.
  EXPECT_EQ(PostingTermPrefix(PostingType::kTagKey, std::string(1000, 'k')),
            PostingTermPrefix(PostingType::kTagKey, std::string(kMaxTermBytes, 'k')));
}

TEST(KeysTest, SlotsClampToTheirRange) {
  EXPECT_EQ(PostingSlotOf(0), 0u);
  EXPECT_EQ(PostingSlotOf(-5), 0u);
  EXPECT_EQ(PostingSlotOf(kPostingSlotMicros - 1), 0u);
  EXPECT_EQ(PostingSlotOf(kPostingSlotMicros), 1u);
  EXPECT_EQ(PostingSlotOf(std::numeric_limits<std::int64_t>::max()),
            std::numeric_limits<std::uint32_t>::max());
}

TEST(KeysTest, NameKeysOfOneServiceShareAPrefixNoOtherServiceHas) {
  const std::string key = PairNameKey(kSpanNameTag, "api", "get");
  EXPECT_TRUE(key.starts_with(PairNamePrefix(kSpanNameTag, "api")));
  EXPECT_FALSE(PairNameKey(kSpanNameTag, "apiserver", "get")
                   .starts_with(PairNamePrefix(kSpanNameTag, "api")));
}

TEST(KeysTest, BucketFamilyNamesRoundTripAndRejectOthers) {
  const std::string name = BucketFamilyName(BucketFamily::kIndex, 1699920000, 86400);
  EXPECT_EQ(name, "index.1699920000.86400");
  std::optional<BucketFamilyNameParts> parts = ParseBucketFamilyName(name);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->family, BucketFamily::kIndex);
  EXPECT_EQ(parts->start_s, 1699920000);
  EXPECT_EQ(parts->length_s, 86400);
  for (std::string_view bad : {"default", "spans.", "spans.1", "spans.1.0", "spans.x.1",
                               "spans.-1.5", "index.1.2.3", "spans.1.99999999999999999999"}) {
    EXPECT_FALSE(ParseBucketFamilyName(bad).has_value()) << bad;
  }
}

TEST(KeysTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

TEST(SpanGroupTest, RoundTripsSpansAndDetectsDamage) {
  auto root = MakeSpan({.trace_id = "a",
                        .id = "1",
                        .name = "root",
                        .timestamp_us = kTodayUs,
                        .local_service = "svc"});
  auto child = MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .kind = trace::SpanKind::kServer,
                         .name = "child",
                         .local_service = "svc",
                         .remote_service = "caller",
                         .tags = {{"error", "boom"}},
                         .shared = true,
                         .local_ipv4 = "10.0.0.1",
                         .local_port = 8080,
                         .remote_ipv6 = "2001:db8::1"});
  std::string value;
  AppendToSpanGroup(*root, value);
  AppendToSpanGroup(*child, value);
  std::vector<StoredSpan> spans;
  ASSERT_TRUE(DecodeSpanGroup(value, spans));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].id, 1u);
  EXPECT_EQ(spans[0].timestamp_us, kTodayUs);
  EXPECT_TRUE(spans[0].root);
  EXPECT_EQ(spans[0].json, testing::Json(*root));
  EXPECT_EQ(spans[1].timestamp_us, 0);
  EXPECT_FALSE(spans[1].root);
  EXPECT_EQ(spans[1].json, testing::Json(*child));
  // The linking fields, and the record made from them.
  EXPECT_EQ(spans[1].parent_id, 1u);
  EXPECT_EQ(spans[1].kind, trace::SpanKind::kServer);
  EXPECT_TRUE(spans[1].shared);
  EXPECT_TRUE(spans[1].error);
  EXPECT_FALSE(spans[0].error);
  EXPECT_EQ(spans[1].local.service_name, "svc");
  EXPECT_EQ(spans[1].local.ipv4, "10.0.0.1");
  EXPECT_EQ(spans[1].local.port, 8080);
  EXPECT_EQ(spans[1].remote_service, "caller");
  trace::SpanRecordPtr record = LinkRecord(spans[1], child->trace_id);
  EXPECT_EQ(record->trace_id, child->trace_id);
  EXPECT_EQ(record->id, 2u);
  EXPECT_EQ(record->parent_id, 1u);
  EXPECT_EQ(record->kind, trace::SpanKind::kServer);
  EXPECT_TRUE(record->shared);
  EXPECT_NE(record->FindTag("error"), nullptr);
  EXPECT_EQ(record->local_endpoint.service_name, "svc");
  EXPECT_EQ(record->local_endpoint.port, 8080);
  EXPECT_EQ(record->remote_endpoint.service_name, "caller");

  std::string first_entry;
  AppendToSpanGroup(*root, first_entry);
  for (std::size_t cut = 1; cut < value.size(); cut += 7) {
    if (value.size() - cut == first_entry.size()) continue;  // a whole one-span group
    std::vector<StoredSpan> partial;
    EXPECT_FALSE(DecodeSpanGroup(std::string_view(value).substr(0, value.size() - cut), partial))
        << cut;
  }
}

std::vector<Posting> ReadGroup(PostingType type, std::uint32_t slot, std::string_view value) {
  std::vector<Posting> postings;
  PostingReader reader(type, slot, value);
  Posting posting;
  while (reader.Next(posting)) postings.push_back(posting);
  EXPECT_TRUE(reader.ok());
  return postings;
}

TEST(PostingsTest, OneGroupPerTermAndSlotOnePostingPerTrace) {
  std::vector<trace::SpanRecordPtr> spans = testing::ThreeTierTrace("a", kTodayUs);
  PostingsBuilder builder;
  for (const auto& span : spans) builder.AddSpan(*span, kTodayUs, /*exact=*/true);
  std::map<std::string, std::string> groups;
  builder.Emit(42, [&](std::string_view key, std::string_view value) {
    groups.emplace(std::string(key), std::string(value));
  });
  EXPECT_EQ(groups.size(), builder.group_count());

  const std::uint32_t slot = PostingSlotOf(kTodayUs);
  // The whole trace is one posting in the kAll group, with its bound and longest duration.
  auto all = groups.find(PostingGroupKey(PostingTermPrefix(PostingType::kAll, ""), slot, 42));
  ASSERT_NE(all, groups.end());
  std::vector<Posting> postings = ReadGroup(PostingType::kAll, slot, all->second);
  ASSERT_EQ(postings.size(), 1u);
  EXPECT_EQ(postings[0].trace_lo, 0xau);
  EXPECT_EQ(postings[0].bound_us, kTodayUs);
  EXPECT_EQ(postings[0].duration_us, 350000);
  EXPECT_TRUE(postings[0].flags & Posting::kRoot);

  // Tag postings carry values and the span's service hash.
  auto method = groups.find(PostingGroupKey(
      PostingTermPrefix(PostingType::kTagKey, "http.method", TagPartition(ValueHash("GET"))), slot,
      42));
  ASSERT_NE(method, groups.end());
  postings = ReadGroup(PostingType::kTagKey, slot, method->second);
  ASSERT_EQ(postings.size(), 2u);  // frontend's and backend's spans
  EXPECT_EQ(postings[0].value_hash, ValueHash("GET"));
  EXPECT_NE(postings[0].service_hash, postings[1].service_hash);
  EXPECT_EQ(postings[0].service_hash, ServiceHash("frontend"));
}

TEST(PostingsTest, TagPostingsCarryTheHashOfTheWholeValue) {
  const std::string long_value(1000, 'q');
  auto span = MakeSpan({.trace_id = "a",
                        .id = "1",
                        .timestamp_us = kTodayUs,
                        .local_service = "svc",
                        .tags = {{"sql", long_value}}});
  PostingsBuilder builder;
  builder.AddSpan(*span, kTodayUs, /*exact=*/false);
  std::string sql_group;
  builder.Emit(1, [&](std::string_view key, std::string_view value) {
    if (key.starts_with(
            PostingTermPrefix(PostingType::kTagKey, "sql", TagPartition(ValueHash(long_value))))) {
      sql_group = value;
    }
  });
  std::vector<Posting> postings =
      ReadGroup(PostingType::kTagKey, PostingSlotOf(kTodayUs), sql_group);
  ASSERT_EQ(postings.size(), 1u);
  EXPECT_EQ(postings[0].value_hash, ValueHash(long_value));
  EXPECT_NE(postings[0].value_hash, ValueHash(long_value.substr(0, kMaxTermBytes)));
  EXPECT_EQ(postings[0].bound_us, kTodayUs);
  EXPECT_FALSE(postings[0].flags & Posting::kRoot);
}

TEST(PostingsTest, DamagedGroupIsReported) {
  auto span = MakeSpan({.trace_id = "a",
                        .id = "1",
                        .timestamp_us = kTodayUs,
                        .local_service = "svc",
                        .tags = {{"k", "v"}}});
  PostingsBuilder builder;
  builder.AddSpan(*span, kTodayUs, /*exact=*/false);
  std::string tag_group;
  builder.Emit(1, [&](std::string_view key, std::string_view value) {
    if (key[0] == static_cast<char>(PostingType::kTagKey)) tag_group = value;
  });
  ASSERT_FALSE(tag_group.empty());
  PostingReader reader(PostingType::kTagKey, PostingSlotOf(kTodayUs),
                       std::string_view(tag_group).substr(0, tag_group.size() - 1));
  Posting posting;
  EXPECT_FALSE(reader.Next(posting));
  EXPECT_FALSE(reader.ok());
}

TEST(LinkCounterTest, MergeOperatorSumsSignedDeltas) {
  std::shared_ptr<rocksdb::MergeOperator> merge = NewLinkCounterMergeOperator();
  auto* associative = static_cast<rocksdb::AssociativeMergeOperator*>(merge.get());
  const std::string existing = EncodeLinkCounts({5, 2});
  const rocksdb::Slice existing_slice(existing);
  std::string merged;
  ASSERT_TRUE(
      associative->Merge("k", &existing_slice, EncodeLinkCounts({-2, -1}), &merged, nullptr));
  EXPECT_EQ(DecodeLinkCounts(merged), (LinkCounts{3, 1}));
  ASSERT_TRUE(associative->Merge("k", nullptr, EncodeLinkCounts({1, 0}), &merged, nullptr));
  EXPECT_EQ(DecodeLinkCounts(merged), (LinkCounts{1, 0}));
  EXPECT_FALSE(associative->Merge("k", nullptr, "bad", &merged, nullptr));
}

TEST(LinkStoreTest, ContributionsRoundTripAndRejectDamage) {
  std::vector<TraceLinks> traces = {
      {0, kTodayUs, {{"a", "b", 2, 1}, {"b", "c", 1, 0}}},
      {7, kTodayUs + 5, {{"x", "y", 1, 0}}},
  };
  const std::string value = EncodeContribution(traces);
  std::optional<std::vector<TraceLinks>> decoded = DecodeContribution(value);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, traces);
  EXPECT_FALSE(DecodeContribution(value.substr(0, value.size() - 1)).has_value());
  EXPECT_TRUE(DecodeContribution("").has_value());
}

}  // namespace
}  // namespace cairn::storage::rdb
