// DirtyTracker: which traces are quiet, in what order, and the dirty-queue watermark.
#include "lib/storage/rocksdb/dirty_tracker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace cairn::storage::rdb {
namespace {

std::vector<std::uint64_t> Los(const std::vector<DirtyTracker::Entry>& entries) {
  std::vector<std::uint64_t> los;
  for (const DirtyTracker::Entry& entry : entries) los.push_back(entry.trace_lo);
  return los;
}

TEST(DirtyTrackerTest, TakesQuietTracesOldestWriteFirst) {
  DirtyTracker dirty(100);
  const std::vector<std::uint64_t> a = {1, 2};
  const std::vector<std::uint64_t> b = {3};
  const std::vector<std::uint64_t> c = {1};
  EXPECT_EQ(dirty.BeginWrite(a), 100u);
  dirty.EndWrite(a, 10);
  EXPECT_EQ(dirty.BeginWrite(b), 101u);
  dirty.EndWrite(b, 20);
  EXPECT_EQ(dirty.BeginWrite(c), 102u);  // trace 1 written again: quiet only from 30 on
  dirty.EndWrite(c, 30);
  EXPECT_EQ(dirty.size(), 3u);

  EXPECT_THAT(dirty.TakeQuiet(9, 10), ::testing::IsEmpty());
  EXPECT_THAT(Los(dirty.TakeQuiet(25, 10)), ::testing::ElementsAre(2, 3));
  const std::vector<DirtyTracker::Entry> last = dirty.TakeQuiet(30, 10);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].trace_lo, 1u);
  EXPECT_EQ(last[0].first_seq, 100u);  // its oldest unlinked batch
  EXPECT_EQ(dirty.size(), 0u);
}

TEST(DirtyTrackerTest, NeverTakesTracesWithAWriteInFlight) {
  DirtyTracker dirty(1);
  const std::vector<std::uint64_t> a = {7};
  dirty.BeginWrite(a);
  dirty.EndWrite(a, 10);
  dirty.BeginWrite(a);  // in flight
  EXPECT_THAT(dirty.TakeQuiet(INT64_MAX, 10), ::testing::IsEmpty());
  dirty.EndWrite(a, 50);
  EXPECT_THAT(dirty.TakeQuiet(49, 10), ::testing::IsEmpty());
  EXPECT_THAT(Los(dirty.TakeQuiet(50, 10)), ::testing::ElementsAre(7));
}

TEST(DirtyTrackerTest, TakesAtMostMax) {
  DirtyTracker dirty(1);
  const std::vector<std::uint64_t> a = {1, 2, 3, 4, 5};
  dirty.BeginWrite(a);
  dirty.EndWrite(a, 1);
  EXPECT_EQ(dirty.TakeQuiet(1, 2).size(), 2u);
  EXPECT_EQ(dirty.TakeQuiet(1, 2).size(), 2u);
  EXPECT_EQ(dirty.TakeQuiet(1, 2).size(), 1u);
  EXPECT_EQ(dirty.size(), 0u);
}

TEST(DirtyTrackerTest, WatermarkIsTheOldestBatchWithADirtyTrace) {
  DirtyTracker dirty(10);
  EXPECT_EQ(dirty.Watermark(), 10u);
  const std::vector<std::uint64_t> a = {1};
  const std::vector<std::uint64_t> b = {2};
  const std::vector<std::uint64_t> ab = {1, 2};
  dirty.BeginWrite(a);  // 10
  dirty.EndWrite(a, 1);
  dirty.BeginWrite(b);  // 11
  dirty.EndWrite(b, 2);
  dirty.BeginWrite(ab);  // 12: both already dirty from earlier batches
  dirty.EndWrite(ab, 3);
  EXPECT_EQ(dirty.Watermark(), 10u);
  EXPECT_THAT(Los(dirty.TakeQuiet(3, 1)), ::testing::ElementsAre(1));
  EXPECT_EQ(dirty.Watermark(), 11u);
  EXPECT_THAT(Los(dirty.TakeQuiet(3, 1)), ::testing::ElementsAre(2));
  EXPECT_EQ(dirty.Watermark(), 13u);  // nothing dirty: everything written so far is linked
}

TEST(DirtyTrackerTest, RestoreAndRecoverKeepTheOldestBatch) {
  DirtyTracker dirty(1);
  dirty.Recover(40, std::vector<std::uint64_t>{5}, 0);
  dirty.Recover(20, std::vector<std::uint64_t>{5, 6}, 0);
  EXPECT_EQ(dirty.Watermark(), 20u);
  std::vector<DirtyTracker::Entry> taken = dirty.TakeQuiet(0, 10);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(dirty.Watermark(), 41u);  // past every recovered batch

  // Linking failed; meanwhile trace 5 was written again by a newer batch.
  const std::vector<std::uint64_t> five = {5};
  EXPECT_EQ(dirty.BeginWrite(five), 41u);
  dirty.Restore(taken, 5);
  EXPECT_EQ(dirty.Watermark(), 20u);
  EXPECT_THAT(Los(dirty.TakeQuiet(100, 10)), ::testing::ElementsAre(6));  // 5 is in flight
  dirty.EndWrite(five, 7);
  taken = dirty.TakeQuiet(100, 10);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].first_seq, 20u);
  EXPECT_EQ(dirty.Watermark(), 42u);
}

TEST(DirtyTrackerTest, KnownLinksOnlyWhenOneBatchWroteTheFreshTrace) {
  DirtyTracker dirty(1);
  const std::vector<std::uint64_t> ab = {1, 2};
  std::vector<std::uint8_t> fresh;
  dirty.BeginWrite(ab, &fresh);
  EXPECT_THAT(fresh, ::testing::ElementsAre(1, 1));
  // A second batch writes trace 2 before the first one finished.
  const std::vector<std::uint64_t> b = {2};
  dirty.BeginWrite(b, &fresh);
  EXPECT_THAT(fresh, ::testing::ElementsAre(0));
  std::vector<std::optional<std::string>> links = {"links-1", "links-2"};
  dirty.EndWrite(ab, 1, links);
  dirty.EndWrite(b, 1);
  std::vector<DirtyTracker::Entry> taken = dirty.TakeQuiet(1, 10);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].known_links, "links-1");
  EXPECT_FALSE(taken[1].known_links.has_value());

  // A later write of a restored trace drops what was known.
  dirty.Restore(taken, 2);
  const std::vector<std::uint64_t> a = {1};
  dirty.BeginWrite(a, &fresh);
  EXPECT_THAT(fresh, ::testing::ElementsAre(0));
  dirty.EndWrite(a, 3);
  taken = dirty.TakeQuiet(3, 10);
  ASSERT_EQ(taken.size(), 2u);
  for (const DirtyTracker::Entry& entry : taken) EXPECT_FALSE(entry.known_links.has_value());
}

}  // namespace
}  // namespace cairn::storage::rdb
