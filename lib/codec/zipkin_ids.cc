#include "lib/codec/zipkin_ids.h"

#include <array>
#include <cstring>
#include <string>

namespace cairn::codec {
namespace {

constexpr std::array<std::uint8_t, 256> MakeHexValues() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) v = 0xff;
  for (int c = '0'; c <= '9'; ++c) table[c] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
  return table;
}
constexpr std::array<std::uint8_t, 256> kHexValues = MakeHexValues();

// Eight lower-hex chars (one little-endian word of ASCII) to their 32-bit value; false if any
// byte is not '0'..'9' or 'a'..'f'.
bool ParseHex8(std::uint64_t x, std::uint64_t& out) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  if ((x & kHigh) != 0) return false;  // non-ASCII
  // With each byte's high bit set, subtracting a constant below 0x80 never borrows across bytes;
  // the high bit then says "byte >= constant".
  const std::uint64_t t = x | kHigh;
  const std::uint64_t ge_0 = t - kOnes * '0';
  const std::uint64_t ge_colon = t - kOnes * ('9' + 1);
  const std::uint64_t ge_a = t - kOnes * 'a';
  const std::uint64_t ge_g = t - kOnes * ('f' + 1);
  const std::uint64_t valid = ((ge_0 & ~ge_colon) | (ge_a & ~ge_g)) & kHigh;
  if (valid != kHigh) return false;
  // Nibbles: low four bits, plus 9 for letters (bit 6 set).
  std::uint64_t nibbles = (x & 0x0F0F0F0F0F0F0F0FULL) + ((x >> 6) & kOnes) * 9;
  // The first char is the most significant: pair bytes into 16-bit lanes, then gather.
  std::uint64_t pairs =
      ((nibbles & 0x000F000F000F000FULL) << 4) | ((nibbles >> 8) & 0x000F000F000F000FULL);
  out = ((pairs & 0xFF) << 24) | (((pairs >> 16) & 0xFF) << 16) | (((pairs >> 32) & 0xFF) << 8) |
        ((pairs >> 48) & 0xFF);
  return true;
}

// Parses up to 16 lower-hex chars; false on any other char.
bool ParseHex(std::string_view hex, std::uint64_t& out) {
  if (hex.size() == 16) {
    std::uint64_t a;
    std::uint64_t b;
    std::uint64_t high;
    std::uint64_t low;
    std::memcpy(&a, hex.data(), 8);
    std::memcpy(&b, hex.data() + 8, 8);
    if (!ParseHex8(a, high) || !ParseHex8(b, low)) return false;
    out = high << 32 | low;
    return true;
  }
  std::uint64_t value = 0;
  for (char c : hex) {
    std::uint8_t v = kHexValues[static_cast<unsigned char>(c)];
    if (v == 0xff) return false;
    value = (value << 4) | v;
  }
  out = value;
  return true;
}

Status NotLowerHex(std::string_view hex) {
  std::string message(hex);
  message += " should be lower-hex encoded with no prefix";
  return InvalidArgument(std::move(message));
}

}  // namespace

Result<trace::TraceId> ParseTraceId(std::string_view hex) {
  if (hex.empty()) return InvalidArgument("traceId is empty");
  if (hex.size() > 32) return InvalidArgument("traceId.length > 32");
  trace::TraceId id;
  std::string_view high = hex.size() > 16 ? hex.substr(0, hex.size() - 16) : std::string_view();
  std::string_view low = hex.substr(high.size());
  if (!ParseHex(high, id.high) || !ParseHex(low, id.low)) return NotLowerHex(hex);
  if (!id.IsValid()) return InvalidArgument("traceId is all zeros");
  return id;
}

Result<trace::SpanId> ParseSpanId(std::string_view hex) {
  if (hex.empty()) return InvalidArgument("id is empty");
  if (hex.size() > 16) return InvalidArgument("id.length > 16");
  std::uint64_t id = 0;
  if (!ParseHex(hex, id)) return NotLowerHex(hex);
  if (id == 0) return InvalidArgument("id is all zeros");
  return id;
}

Result<trace::SpanId> ParseParentId(std::string_view hex) {
  if (hex.empty()) return InvalidArgument("parentId is empty");
  if (hex.size() > 16) return InvalidArgument("parentId.length > 16");
  std::uint64_t id = 0;
  if (!ParseHex(hex, id)) return NotLowerHex(hex);
  return id;
}

Result<std::uint64_t> ParseV1Id(std::string_view hex) {
  std::uint64_t ignored = 0;
  std::uint64_t low = 0;
  bool ok = !hex.empty() && hex.size() <= 32;
  if (ok && hex.size() > 16) ok = ParseHex(hex.substr(0, hex.size() - 16), ignored);
  if (ok) ok = ParseHex(hex.size() > 16 ? hex.substr(hex.size() - 16) : hex, low);
  if (!ok) {
    // Zipkin quotes the whole input; cap it so a hostile id cannot bloat the error.
    std::string message(hex.substr(0, 64));
    message += " should be a 1 to 32 character lower-hex string with no prefix";
    return InvalidArgument(std::move(message));
  }
  return low;
}

std::uint64_t V1TraceIdHigh(std::string_view hex) {
  std::uint64_t high = 0;
  if (hex.size() == 32) ParseHex(hex.substr(0, 16), high);
  return high;
}

}  // namespace cairn::codec
