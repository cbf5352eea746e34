// Trace and span identifiers and their lower-hex text form.
//
// A trace id is 64 or 128 bits (high == 0 means a 64-bit id); a span id is 64 bits. Zero is never a
// valid id. Hex helpers are strict: lower-case hex only, exact lengths, no prefix; they never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::trace {

using SpanId = std::uint64_t;

struct TraceId {
  std::uint64_t high = 0;
  std::uint64_t low = 0;

  bool IsValid() const { return high != 0 || low != 0; }
  bool Is128Bit() const { return high != 0; }

  // Writes 16 chars when high == 0, else 32; returns how many were written. `out` needs 32 bytes.
  std::size_t WriteHex(char* out) const;
  std::string ToHex() const;

  // Exactly 16 or 32 lower-hex chars, not all zeros.
  static std::optional<TraceId> FromHex(std::string_view hex);

  friend bool operator==(const TraceId&, const TraceId&) = default;
};

// Writes exactly 16 lower-hex chars.
void WriteHex64(std::uint64_t value, char* out);
std::string Hex64(std::uint64_t value);

// Parses 1..16 lower-hex chars (no prefix, no upper case) into a value; nullopt on any other input.
// Callers decide separately whether short ids (lenient, left-padded) or zero are acceptable.
std::optional<std::uint64_t> ParseHex64(std::string_view hex);

// Source of new ids. Implementations must be thread-safe; the default is a per-thread xoshiro-style
// generator seeded from std::random_device and reseeded after fork().
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // Never returns 0.
  virtual std::uint64_t NextId() = 0;
};

IdGenerator& DefaultIdGenerator();

}  // namespace cairn::trace
