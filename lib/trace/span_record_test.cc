#include "cairn/trace/span_record.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::trace {
namespace {

bool Owns(const SpanRecord& record, std::string_view view) {
  const char* begin = reinterpret_cast<const char*>(&record);
  return view.data() >= begin && view.data() + view.size() <= begin + sizeof(SpanRecord);
}

TEST(SpanKindNameTest, Names) {
  EXPECT_EQ(SpanKindName(SpanKind::kClient), "CLIENT");
  EXPECT_EQ(SpanKindName(SpanKind::kServer), "SERVER");
  EXPECT_EQ(SpanKindName(SpanKind::kProducer), "PRODUCER");
  EXPECT_EQ(SpanKindName(SpanKind::kConsumer), "CONSUMER");
  EXPECT_EQ(SpanKindName(SpanKind::kUnspecified), "");
}

TEST(SpanRecordTest, InternCopiesIntoTheInlineArena) {
  SpanRecord record;
  std::string source = "get /accounts";
  std::string_view copy = record.Intern(source);
  source.assign("xxxxxxxxxxxxx");
  EXPECT_EQ(copy, "get /accounts");
  EXPECT_TRUE(Owns(record, copy));
  EXPECT_TRUE(record.Intern("").empty());
}

TEST(SpanRecordTest, InternAndSetTagCopyEveryLengthExactly) {
  // The copy has separate paths for 0-3, 4-7, 8-16 and longer strings.
  SpanRecord record;
  std::string source;
  for (int length = 0; length <= 40; ++length) {
    source.push_back(static_cast<char>('a' + length % 26));
    std::string_view original(source.data(), static_cast<std::size_t>(length));
    EXPECT_EQ(record.Intern(original), original) << length;
    record.SetTag(original, original);
    ASSERT_NE(record.FindTag(original), nullptr) << length;
    EXPECT_EQ(record.FindTag(original)->value, original) << length;
  }
}

TEST(SpanRecordTest, LargeAndManyStringsSpillToChunksAndStayValid) {
  SpanRecord record;
  std::vector<std::string_view> views;
  std::vector<std::string> expected;
  for (int i = 0; i < 500; ++i) {
    expected.push_back("value-" + std::to_string(i) + std::string(i % 37, 'x'));
    views.push_back(record.Intern(expected.back()));
  }
  std::string big(100000, 'b');
  std::string_view big_view = record.Intern(big);
  std::string_view after_big = record.Intern("after");
  for (std::size_t i = 0; i < views.size(); ++i) EXPECT_EQ(views[i], expected[i]);
  EXPECT_EQ(big_view, big);
  EXPECT_FALSE(Owns(record, big_view));
  EXPECT_EQ(after_big, "after");
  EXPECT_TRUE(Owns(record, views.front()));
  EXPECT_FALSE(Owns(record, views.back()));
}

TEST(SpanRecordTest, SettersCopy) {
  SpanRecord record;
  {
    std::string name = "op", local = "svc", remote = "db", v4 = "10.0.0.1", v6 = "::1";
    record.SetName(name);
    record.SetLocalServiceName(local);
    record.SetRemoteServiceName(remote);
    record.SetRemoteEndpoint(EndpointView{"db", v4, v6, 5432});
    record.SetLocalEndpoint(EndpointView{local, v4, {}, 8080});
    name.assign("??");
    local.assign("???");
    v4.assign("????????");
  }
  EXPECT_EQ(record.name, "op");
  EXPECT_EQ(record.local_endpoint.service_name, "svc");
  EXPECT_EQ(record.local_endpoint.ipv4, "10.0.0.1");
  EXPECT_TRUE(record.local_endpoint.ipv6.empty());
  EXPECT_EQ(record.local_endpoint.port, 8080);
  EXPECT_EQ(record.remote_endpoint.service_name, "db");
  EXPECT_EQ(record.remote_endpoint.ipv4, "10.0.0.1");
  EXPECT_EQ(record.remote_endpoint.ipv6, "::1");
  EXPECT_EQ(record.remote_endpoint.port, 5432);
  EXPECT_FALSE(record.remote_endpoint.IsEmpty());
  EXPECT_TRUE(EndpointView{}.IsEmpty());
}

TEST(SpanRecordTest, SetTagAddsAndReplaces) {
  SpanRecord record;
  record.SetTag("http.method", "GET");
  record.SetTag("http.path", "/a");
  record.SetTag("http.method", "POST");
  ASSERT_EQ(record.tags().size(), 2u);
  EXPECT_EQ(record.tags()[0].key, "http.method");
  EXPECT_EQ(record.tags()[0].value, "POST");
  EXPECT_EQ(record.tags()[1].value, "/a");
  ASSERT_NE(record.FindTag("http.path"), nullptr);
  EXPECT_EQ(record.FindTag("http.path")->value, "/a");
  EXPECT_EQ(record.FindTag("missing"), nullptr);
  record.SetTag("empty", "");
  ASSERT_NE(record.FindTag("empty"), nullptr);
  EXPECT_EQ(record.FindTag("empty")->value, "");
}

TEST(SpanRecordTest, TagsMoveToOverflowInOrderOnceInlineIsFull) {
  SpanRecord record;
  for (int i = 0; i < 8; ++i) record.SetTag("k" + std::to_string(i), "v" + std::to_string(i));
  const TagView* inline_data = record.tags().data();
  EXPECT_TRUE(Owns(record, {reinterpret_cast<const char*>(inline_data), sizeof(TagView)}));
  for (int i = 8; i < 40; ++i) record.SetTag("k" + std::to_string(i), "v" + std::to_string(i));
  ASSERT_EQ(record.tags().size(), 40u);
  EXPECT_FALSE(
      Owns(record, {reinterpret_cast<const char*>(record.tags().data()), sizeof(TagView)}));
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(record.tags()[i].key, "k" + std::to_string(i));
    EXPECT_EQ(record.tags()[i].value, "v" + std::to_string(i));
  }
  record.SetTag("k3", "replaced");
  record.SetTag("k39", "last");
  EXPECT_EQ(record.tags().size(), 40u);
  EXPECT_EQ(record.FindTag("k3")->value, "replaced");
  EXPECT_EQ(record.FindTag("k39")->value, "last");
}

TEST(SpanRecordTest, TruncateTagsThenAddAgain) {
  SpanRecord record;
  for (int i = 0; i < 12; ++i) record.SetTag("k" + std::to_string(i), "v");
  record.TruncateTags(5);
  ASSERT_EQ(record.tags().size(), 5u);
  EXPECT_EQ(record.tags()[4].key, "k4");
  EXPECT_EQ(record.FindTag("k5"), nullptr);
  record.SetTag("new", "x");
  ASSERT_EQ(record.tags().size(), 6u);
  EXPECT_EQ(record.tags()[5].key, "new");
  record.TruncateTags(0);
  EXPECT_TRUE(record.tags().empty());
  record.SetTag("again", "y");
  ASSERT_EQ(record.tags().size(), 1u);
  EXPECT_EQ(record.tags()[0].key, "again");
  record.TruncateTags(10);  // larger than the count: no change
  EXPECT_EQ(record.tags().size(), 1u);
}

TEST(SpanRecordTest, MutableTagsAllowsReordering) {
  SpanRecord record;
  record.SetTag("b", "2");
  record.SetTag("a", "1");
  auto tags = record.mutable_tags();
  std::swap(tags[0], tags[1]);
  EXPECT_EQ(record.tags()[0].key, "a");
}

TEST(SpanRecordTest, AnnotationsInlineThenOverflow) {
  SpanRecord record;
  for (int i = 0; i < 10; ++i) record.AddAnnotation(1000 + i, "a" + std::to_string(i));
  ASSERT_EQ(record.annotations().size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(record.annotations()[i].timestamp_us, 1000 + i);
    EXPECT_EQ(record.annotations()[i].value, "a" + std::to_string(i));
  }
  record.TruncateAnnotations(3);
  EXPECT_EQ(record.annotations().size(), 3u);
  record.AddAnnotation(7, "x");
  EXPECT_EQ(record.annotations().back().value, "x");
  record.mutable_annotations()[0].timestamp_us = 1;
  EXPECT_EQ(record.annotations()[0].timestamp_us, 1);
}

TEST(SpanRecordTest, ApproximateBytesGrowsWithContent) {
  SpanRecord empty;
  const std::size_t base = empty.ApproximateBytes();
  EXPECT_GT(base, 100u);  // ids, timestamps and field names are never free

  SpanRecord record;
  record.SetName(std::string(100, 'n'));
  EXPECT_GE(record.ApproximateBytes(), base + 100);
  const std::size_t with_name = record.ApproximateBytes();
  record.SetTag(std::string(50, 'k'), std::string(1000, 'v'));
  EXPECT_GE(record.ApproximateBytes(), with_name + 1050);
  const std::size_t with_tag = record.ApproximateBytes();
  record.AddAnnotation(1, std::string(200, 'a'));
  EXPECT_GE(record.ApproximateBytes(), with_tag + 200);
  const std::size_t with_annotation = record.ApproximateBytes();
  record.SetRemoteEndpoint(EndpointView{"remote", "1.2.3.4", {}, 80});
  EXPECT_GE(record.ApproximateBytes(), with_annotation + 13);
  // A 1 MB tag is counted as 1 MB, not as the record's fixed footprint.
  SpanRecord huge;
  huge.SetTag("k", std::string(1 << 20, 'x'));
  EXPECT_GE(huge.ApproximateBytes(), std::size_t{1} << 20);
  EXPECT_LT(huge.ApproximateBytes(), (std::size_t{1} << 20) + 1024);
}

}  // namespace
}  // namespace cairn::trace
