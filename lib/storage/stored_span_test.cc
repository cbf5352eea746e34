#include "lib/storage/stored_span.h"

#include <gtest/gtest.h>

#include "lib/storage/testing/test_spans.h"

namespace cairn::storage {
namespace {

using testing::kTodayUs;

TEST(StoredSpanTest, RoundTripsEveryField) {
  std::vector<trace::SpanRecordPtr> spans =
      testing::ThreeTierTrace("463ac35c9f6413ad48485a3953bb6124", kTodayUs);
  Trace stored = testing::Json(spans);
  Result<codec::SpanList> decoded = DecodeStoredSpans(stored);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->size(), spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(EncodeStoredSpan(*(*decoded)[i]), stored[i]);
    EXPECT_EQ((*decoded)[i]->trace_id, spans[i]->trace_id);
  }
  EXPECT_EQ(SpanPointers(*decoded).size(), spans.size());
}

TEST(StoredSpanTest, EmptyInputDecodesToNothing) {
  Result<codec::SpanList> decoded = DecodeStoredSpans(Trace{});
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

TEST(StoredSpanTest, CorruptBytesAreInternalErrors) {
  const std::string good = testing::Json(*testing::MakeSpan({.trace_id = "a", .id = "1"}));
  for (const Trace& corrupt : {Trace{"{"}, Trace{good, "not json"}, Trace{good + "," + good},
                               Trace{good, ""}, Trace{"{\"id\":\"1\"}"}}) {
    Result<codec::SpanList> decoded = DecodeStoredSpans(corrupt);
    ASSERT_FALSE(decoded.ok()) << corrupt.size();
    EXPECT_EQ(decoded.status().code(), StatusCode::kInternal);
    EXPECT_EQ(decoded.status().message().rfind("corrupt stored span: ", 0), 0u)
        << decoded.status().message();
  }
}

}  // namespace
}  // namespace cairn::storage
