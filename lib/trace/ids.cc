// Hex text of ids and the default id generator.
//
// The generator is xoshiro256** with per-thread state: no lock and no shared cache line on the
// hot path. Each thread seeds itself from std::random_device on first use (mixed through
// splitmix64 with the thread's address and the time, in case random_device is weak). After fork()
// the child would otherwise repeat the parent's sequence and mint colliding ids, so a
// pthread_atfork child handler bumps a process-wide generation counter that every thread's state
// compares against before drawing (one relaxed load).
#include "cairn/trace/ids.h"

#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <random>

#include "lib/trace/id_generator_internal.h"

namespace cairn::trace {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// 0-15 for '0'-'9' and 'a'-'f'; 0xff for every other byte (upper case included: ids are strict).
constexpr std::array<std::uint8_t, 256> MakeHexValues() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) v = 0xff;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}
constexpr std::array<std::uint8_t, 256> kHexValues = MakeHexValues();

// Parses exactly hex.size() (1..16) chars; false on any non lower-hex char.
bool ParseHexExact(std::string_view hex, std::uint64_t& out) {
  std::uint64_t value = 0;
  for (char c : hex) {
    std::uint8_t v = kHexValues[static_cast<unsigned char>(c)];
    if (v == 0xff) return false;
    value = (value << 4) | v;
  }
  out = value;
  return true;
}

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// Starts at 1 so that a zero-initialised thread state (generation 0) seeds itself on first use.
std::atomic<std::uint64_t> g_fork_generation{1};

void OnForkChild() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

// Trivially constructible so the thread_local needs no guard or destructor registration.
struct XoshiroState {
  std::uint64_t s[4];
  std::uint64_t generation;
};

thread_local XoshiroState t_rng{};

[[gnu::noinline]] void Seed(XoshiroState& rng, std::uint64_t generation) {
  static const bool registered = [] {
    pthread_atfork(nullptr, nullptr, &OnForkChild);
    return true;
  }();
  (void)registered;
  std::uint64_t mix = 0;
  try {
    std::random_device device;
    for (int i = 0; i < 4; ++i) {
      mix ^= (static_cast<std::uint64_t>(device()) << 32) | device();
      mix = SplitMix64(mix);
    }
  } catch (...) {
    // No entropy source: fall back to time and addresses below (ids stay unique in practice).
  }
  mix ^= static_cast<std::uint64_t>(
      std::chrono::high_resolution_clock::now().time_since_epoch().count());
  mix ^= reinterpret_cast<std::uintptr_t>(&rng) * 0x9e3779b97f4a7c15ULL;
  mix ^= generation << 48;
  for (auto& word : rng.s) word = SplitMix64(mix);
  if ((rng.s[0] | rng.s[1] | rng.s[2] | rng.s[3]) == 0) rng.s[0] = 1;  // all-zero never advances
  rng.generation = generation;
}

// One xoshiro256** step.
inline std::uint64_t Step(XoshiroState& rng) {
  const std::uint64_t s0 = rng.s[0];
  const std::uint64_t s1 = rng.s[1];
  const std::uint64_t s2 = rng.s[2] ^ s0;
  const std::uint64_t s3 = rng.s[3] ^ s1;
  rng.s[0] = s0 ^ s3;
  rng.s[1] = s1 ^ s2;
  rng.s[2] = s2 ^ (s1 << 17);
  rng.s[3] = Rotl(s3, 45);
  return Rotl(s1 * 5, 7) * 9;
}

// The output is 0 exactly when s[1] is 0, once per 2^64 draws: draw again.
[[gnu::noinline]] std::uint64_t NextNonZero(XoshiroState& rng) {
  std::uint64_t id;
  do {
    id = Step(rng);
  } while (id == 0);
  return id;
}

// This thread's generator, seeded for the current process.
inline XoshiroState& ThreadState() {
  XoshiroState& rng = t_rng;
  const std::uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
  if (rng.generation != generation) [[unlikely]] {
    Seed(rng, generation);
  }
  return rng;
}

inline std::uint64_t NextNonZeroId(XoshiroState& rng) {
  const std::uint64_t id = Step(rng);
  return id != 0 ? id : NextNonZero(rng);
}

class XoshiroIdGenerator final : public IdGenerator {
 public:
  std::uint64_t NextId() override { return NextNonZeroId(ThreadState()); }
};

XoshiroIdGenerator g_default_id_generator;

}  // namespace

namespace internal {

IdGenerator* const kDefaultIdGenerator = &g_default_id_generator;

TraceId NextDefaultTraceId(bool bits128) {
  XoshiroState& rng = ThreadState();
  TraceId id;
  id.low = NextNonZeroId(rng);
  if (bits128) id.high = NextNonZeroId(rng);
  return id;
}

}  // namespace internal

void WriteHex64(std::uint64_t value, char* out) {
  for (int i = 15; i >= 0; --i) {
    out[i] = kHexDigits[value & 0xf];
    value >>= 4;
  }
}

std::string Hex64(std::uint64_t value) {
  std::string text(16, '0');
  WriteHex64(value, text.data());
  return text;
}

std::optional<std::uint64_t> ParseHex64(std::string_view hex) {
  if (hex.empty() || hex.size() > 16) return std::nullopt;
  std::uint64_t value;
  if (!ParseHexExact(hex, value)) return std::nullopt;
  return value;
}

std::size_t TraceId::WriteHex(char* out) const {
  if (high == 0) {
    WriteHex64(low, out);
    return 16;
  }
  WriteHex64(high, out);
  WriteHex64(low, out + 16);
  return 32;
}

std::string TraceId::ToHex() const {
  char buffer[32];
  return std::string(buffer, WriteHex(buffer));
}

std::optional<TraceId> TraceId::FromHex(std::string_view hex) {
  TraceId id;
  if (hex.size() == 16) {
    if (!ParseHexExact(hex, id.low)) return std::nullopt;
  } else if (hex.size() == 32) {
    if (!ParseHexExact(hex.substr(0, 16), id.high) || !ParseHexExact(hex.substr(16), id.low)) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (!id.IsValid()) return std::nullopt;
  return id;
}

IdGenerator& DefaultIdGenerator() { return g_default_id_generator; }

}  // namespace cairn::trace
