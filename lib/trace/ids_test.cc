#include "cairn/trace/ids.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

namespace cairn::trace {
namespace {

TEST(Hex64Test, WritesSixteenLowerHexChars) {
  EXPECT_EQ(Hex64(0), "0000000000000000");
  EXPECT_EQ(Hex64(0x1), "0000000000000001");
  EXPECT_EQ(Hex64(0xdeadbeefcafef00dULL), "deadbeefcafef00d");
  EXPECT_EQ(Hex64(~0ULL), "ffffffffffffffff");
  char out[17] = {};
  WriteHex64(0x0123456789abcdefULL, out);
  EXPECT_STREQ(out, "0123456789abcdef");
}

TEST(ParseHex64Test, AcceptsOneToSixteenLowerHexChars) {
  EXPECT_EQ(ParseHex64("0"), 0u);
  EXPECT_EQ(ParseHex64("a"), 0xau);
  EXPECT_EQ(ParseHex64("00000000000000ff"), 0xffu);
  EXPECT_EQ(ParseHex64("ffffffffffffffff"), ~0ULL);
  EXPECT_EQ(ParseHex64("0123456789abcdef"), 0x0123456789abcdefULL);
}

TEST(ParseHex64Test, RejectsEverythingElse) {
  for (std::string_view bad :
       {"", "00000000000000000", "ABCDEF", "0x12", "12 ", " 12", "-1", "g", "+1", "1f_2"}) {
    EXPECT_EQ(ParseHex64(bad), std::nullopt) << "input: " << bad;
  }
  EXPECT_EQ(ParseHex64(std::string_view("12\0003", 4)), std::nullopt);
}

TEST(TraceIdTest, HexRoundTrip64And128) {
  TraceId id64{0, 0x463ac35c9f6413adULL};
  EXPECT_FALSE(id64.Is128Bit());
  EXPECT_EQ(id64.ToHex(), "463ac35c9f6413ad");
  EXPECT_EQ(TraceId::FromHex("463ac35c9f6413ad"), id64);

  TraceId id128{0x463ac35c9f6413adULL, 0x48485a3953bb6124ULL};
  EXPECT_TRUE(id128.Is128Bit());
  EXPECT_EQ(id128.ToHex(), "463ac35c9f6413ad48485a3953bb6124");
  EXPECT_EQ(TraceId::FromHex("463ac35c9f6413ad48485a3953bb6124"), id128);
  char out[32];
  EXPECT_EQ(id128.WriteHex(out), 32u);
  EXPECT_EQ(id64.WriteHex(out), 16u);
}

TEST(TraceIdTest, ThirtyTwoCharsWithZeroHighIsA64BitId) {
  auto id = TraceId::FromHex("0000000000000000000000000000abcd");
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->high, 0u);
  EXPECT_EQ(id->low, 0xabcdu);
  EXPECT_EQ(id->ToHex(), "000000000000abcd");
}

TEST(TraceIdTest, FromHexIsStrict) {
  for (std::string_view bad :
       {"", "abc", "463ac35c9f6413a", "463ac35c9f6413ad4", "463AC35C9F6413AD",
        "463ac35c9f6413ad48485a3953bb612", "463ac35c9f6413ad48485a3953bb61245", "0000000000000000",
        "00000000000000000000000000000000", "463ac35c-f6413ad",
        "463ac35c9f6413ad48485a3953bb612G"}) {
    EXPECT_EQ(TraceId::FromHex(bad), std::nullopt) << "input: " << bad;
  }
}

TEST(TraceIdTest, Validity) {
  EXPECT_FALSE(TraceId{}.IsValid());
  EXPECT_TRUE((TraceId{1, 0}.IsValid()));
  EXPECT_TRUE((TraceId{0, 1}.IsValid()));
}

TEST(DefaultIdGeneratorTest, NeverZeroAndNoRepeats) {
  IdGenerator& ids = DefaultIdGenerator();
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t id = ids.NextId();
    ASSERT_NE(id, 0u);
    ASSERT_TRUE(seen.insert(id).second) << "repeated id after " << i << " draws";
  }
}

TEST(DefaultIdGeneratorTest, BitsLookRandom) {
  // Every bit position is set in roughly half of 4096 ids (a stuck or constant bit fails).
  IdGenerator& ids = DefaultIdGenerator();
  int ones[64] = {};
  constexpr int kDraws = 4096;
  for (int i = 0; i < kDraws; ++i) {
    std::uint64_t id = ids.NextId();
    for (int bit = 0; bit < 64; ++bit) ones[bit] += (id >> bit) & 1;
  }
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_GT(ones[bit], kDraws * 4 / 10) << "bit " << bit;
    EXPECT_LT(ones[bit], kDraws * 6 / 10) << "bit " << bit;
  }
}

TEST(DefaultIdGeneratorTest, ThreadsDrawDifferentSequences) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::vector<std::uint64_t>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&drawn, t] {
      for (int i = 0; i < kPerThread; ++i) drawn[t].push_back(DefaultIdGenerator().NextId());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::uint64_t> all;
  for (const auto& ids : drawn) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(DefaultIdGeneratorTest, ForkedChildDoesNotRepeatTheParentsIds) {
  IdGenerator& ids = DefaultIdGenerator();
  ids.NextId();  // make sure this thread's state is seeded before forking
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::uint64_t child_ids[4];
    for (auto& id : child_ids) id = DefaultIdGenerator().NextId();
    ssize_t written = write(pipe_fds[1], child_ids, sizeof(child_ids));
    _exit(written == static_cast<ssize_t>(sizeof(child_ids)) ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::uint64_t parent_ids[4];
  for (auto& id : parent_ids) id = ids.NextId();
  std::uint64_t child_ids[4] = {};
  ASSERT_EQ(read(pipe_fds[0], child_ids, sizeof(child_ids)),
            static_cast<ssize_t>(sizeof(child_ids)));
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  for (std::uint64_t child_id : child_ids) {
    for (std::uint64_t parent_id : parent_ids) EXPECT_NE(child_id, parent_id);
  }
}

}  // namespace
}  // namespace cairn::trace
