// Small raw-buffer writers shared by the span encoders: lower-hex ids, decimal integers, protobuf
// varints, and a word-at-a-time test for bytes that are not plain ASCII text. Every Write*
// function writes to `out`, which must have room, and returns the end of what it wrote.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cairn::model::internal {

inline constexpr char kHexPairs[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

// Exactly 16 lower-hex characters, most significant first.
inline char* WriteLowerHex64(std::uint64_t value, char* out) {
#if defined(__SSE2__)
  // All 16 nibbles at once: split each byte into its two nibbles, interleave, map 0-9/a-f.
  const __m128i bytes = _mm_cvtsi64_si128(static_cast<long long>(__builtin_bswap64(value)));
  const __m128i mask = _mm_set1_epi8(0x0f);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), mask);
  const __m128i low = _mm_and_si128(bytes, mask);
  const __m128i nibbles = _mm_unpacklo_epi8(high, low);
  const __m128i letters =
      _mm_and_si128(_mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
  const __m128i chars = _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')), letters);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), chars);
  return out + 16;
#else
  for (int shift = 56; shift >= 0; shift -= 8) {
    const char* pair = &kHexPairs[((value >> shift) & 0xFF) * 2];
    out[0] = pair[0];
    out[1] = pair[1];
    out += 2;
  }
  return out;
#endif
}

// Number of decimal digits of `value`, from its bit length (no division loop).
inline std::size_t DecimalDigits(std::uint64_t value) {
  static constexpr std::uint64_t kPowersOf10[20] = {1ULL,
                                                    10ULL,
                                                    100ULL,
                                                    1000ULL,
                                                    10000ULL,
                                                    100000ULL,
                                                    1000000ULL,
                                                    10000000ULL,
                                                    100000000ULL,
                                                    1000000000ULL,
                                                    10000000000ULL,
                                                    100000000000ULL,
                                                    1000000000000ULL,
                                                    10000000000000ULL,
                                                    100000000000000ULL,
                                                    1000000000000000ULL,
                                                    10000000000000000ULL,
                                                    100000000000000000ULL,
                                                    1000000000000000000ULL,
                                                    10000000000000000000ULL};
  const int bits = 64 - std::countl_zero(value | 1);  // 1..64
  const int guess = (bits * 1233) >> 12;              // floor(log10(2^bits)), 0..19
  return static_cast<std::size_t>(guess + 1 - (value < kPowersOf10[guess] ? 1 : 0));
}

// Number of characters WriteDecimal (and std::to_chars) produces for `value` (including a '-'
// sign).
inline std::size_t DecimalSize(std::int64_t value) {
  if (value >= 0) return DecimalDigits(static_cast<std::uint64_t>(value));
  return 1 + DecimalDigits(~static_cast<std::uint64_t>(value) + 1);
}

inline constexpr char kDecimalPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// Writes DecimalDigits(value) characters from the end, four digits per division step (the
// divisions form the critical path).
inline char* WriteDecimalDigits(std::uint64_t value, char* out) {
  char* const end = out + DecimalDigits(value);
  char* p = end;
  while (value >= 10000) {
    const std::uint64_t four = value % 10000;
    value /= 10000;
    p -= 4;
    std::memcpy(p, &kDecimalPairs[(four / 100) * 2], 2);
    std::memcpy(p + 2, &kDecimalPairs[(four % 100) * 2], 2);
  }
  if (value >= 100) {
    p -= 2;
    std::memcpy(p, &kDecimalPairs[(value % 100) * 2], 2);
    value /= 100;
  }
  if (value >= 10) {
    std::memcpy(p - 2, &kDecimalPairs[value * 2], 2);
  } else {
    p[-1] = static_cast<char>('0' + value);
  }
  return end;
}

// Writes DecimalSize(value) characters: what std::to_chars writes.
inline char* WriteDecimal(std::int64_t value, char* out) {
  if (value >= 0) return WriteDecimalDigits(static_cast<std::uint64_t>(value), out);
  *out++ = '-';
  return WriteDecimalDigits(~static_cast<std::uint64_t>(value) + 1, out);
}

inline std::size_t VarintSize(std::uint64_t value) {
  std::size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

inline char* WriteVarint(std::uint64_t value, char* out) {
  while (value >= 0x80) {
    *out++ = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  *out++ = static_cast<char>(value);
  return out;
}

inline char* WriteBigEndian64(std::uint64_t value, char* out) {
  if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
  std::memcpy(out, &value, 8);
  return out + 8;
}

inline char* WriteLittleEndian64(std::uint64_t value, char* out) {
  if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
  std::memcpy(out, &value, 8);
  return out + 8;
}

inline char* WriteBytes(std::string_view bytes, char* out) {
  if (bytes.empty()) return out;  // data() may be null, which memcpy must not see
  std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

inline constexpr std::uint64_t kEachByte = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

inline std::uint64_t Load64(const unsigned char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

inline void Store64(std::uint64_t word, char* out) { std::memcpy(out, &word, sizeof word); }

// All of 1..7 bytes in one word, read with fixed-size (possibly overlapping) loads rather than a
// variable-length memcpy; any unused byte is a space, which the word tests below never flag.
inline std::uint64_t LoadShort(const unsigned char* bytes, std::size_t n) {
  if (n >= 4) {
    std::uint32_t low;
    std::uint32_t high;
    std::memcpy(&low, bytes, 4);
    std::memcpy(&high, bytes + n - 4, 4);
    return low | (std::uint64_t{high} << 32);
  }
  constexpr std::uint64_t kSpaces = kEachByte * ' ';
  if (n >= 2) {
    std::uint16_t low;
    std::uint16_t high;
    std::memcpy(&low, bytes, 2);
    std::memcpy(&high, bytes + n - 2, 2);
    return (kSpaces & ~0xFFFFFFFFULL) | low | (std::uint64_t{high} << 16);
  }
  return (kSpaces & ~0xFFULL) | bytes[0];
}

// Copies 1..7 bytes with the same fixed-size loads and stores.
inline char* CopyShort(const unsigned char* bytes, std::size_t n, char* out) {
  if (n >= 4) {
    std::uint32_t low;
    std::uint32_t high;
    std::memcpy(&low, bytes, 4);
    std::memcpy(&high, bytes + n - 4, 4);
    std::memcpy(out, &low, 4);
    std::memcpy(out + n - 4, &high, 4);
  } else if (n >= 2) {
    std::uint16_t low;
    std::uint16_t high;
    std::memcpy(&low, bytes, 2);
    std::memcpy(&high, bytes + n - 2, 2);
    std::memcpy(out, &low, 2);
    std::memcpy(out + n - 2, &high, 2);
  } else {
    out[0] = static_cast<char>(bytes[0]);
  }
  return out + n;
}

// Whether any byte of the 8 in `word` is >= 0x80. Exact.
inline bool HasNonAscii(std::uint64_t word) { return (word & kHighBits) != 0; }

// Whether any byte of the 8 in `word` needs a JSON string escape or is >= 0x80: a control
// character (< 0x20), '"' or '\\'. Exact (the classic "has zero byte / has less" bit tricks only
// give false positives in bytes above a true hit, so the any-test is exact).
inline bool HasJsonSpecial(std::uint64_t word) {
  const std::uint64_t control = (word - kEachByte * 0x20) & ~word;
  const std::uint64_t quote_bits = word ^ (kEachByte * '"');
  const std::uint64_t quote = (quote_bits - kEachByte) & ~quote_bits;
  const std::uint64_t backslash_bits = word ^ (kEachByte * '\\');
  const std::uint64_t backslash = (backslash_bits - kEachByte) & ~backslash_bits;
  return ((control | quote | backslash | word) & kHighBits) != 0;
}

// Copies any number of bytes; short texts (the common case for span fields) without a call.
inline char* CopyText(const unsigned char* bytes, std::size_t n, char* out) {
  if (n >= 16) {
    std::memcpy(out, bytes, n);
    return out + n;
  }
  if (n >= 8) {
    const std::uint64_t low = Load64(bytes);
    const std::uint64_t high = Load64(bytes + n - 8);
    Store64(low, out);
    Store64(high, out + n - 8);
    return out + n;
  }
  return n == 0 ? out : CopyShort(bytes, n, out);
}

// Whole-text tests: words (16 bytes with SSE2, else 8), a last word overlapping the one before,
// and texts shorter than a word read with fixed-size overlapping loads.
#if defined(__SSE2__)
inline __m128i Load128(const unsigned char* bytes) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
}

// Bytes < 0x20 or >= 0x80 (one signed compare finds both), '"' or '\\'.
inline bool HasJsonSpecial(__m128i v) {
  const __m128i low_or_high = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  return _mm_movemask_epi8(_mm_or_si128(low_or_high, _mm_or_si128(quote, backslash))) != 0;
}
inline bool HasNonAscii(__m128i v) { return _mm_movemask_epi8(v) != 0; }

// Loads 0..15 bytes (any unused byte a space) into one vector.
inline __m128i LoadUpTo15(const unsigned char* bytes, std::size_t n) {
  constexpr std::uint64_t kSpaces = kEachByte * ' ';
  if (n >= 8) {
    return _mm_set_epi64x(static_cast<long long>(Load64(bytes + n - 8)),
                          static_cast<long long>(Load64(bytes)));
  }
  return _mm_set_epi64x(static_cast<long long>(kSpaces),
                        static_cast<long long>(n == 0 ? kSpaces : LoadShort(bytes, n)));
}

template <typename Test>
inline bool AnyWord(const unsigned char* bytes, std::size_t n, Test test) {
  if (n < 16) return test(LoadUpTo15(bytes, n));
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (test(Load128(bytes + i))) return true;
  }
  return i != n && test(Load128(bytes + n - 16));
}

// Whether the text needs no JSON escaping and no UTF-8 repair: all printable ASCII but '"', '\\'.
inline bool IsPlainJsonText(const unsigned char* bytes, std::size_t n) {
  return !AnyWord(bytes, n, [](__m128i v) { return HasJsonSpecial(v); });
}
// Whether the text is all ASCII (so well-formed UTF-8).
inline bool IsAsciiText(const unsigned char* bytes, std::size_t n) {
  return !AnyWord(bytes, n, [](__m128i v) { return HasNonAscii(v); });
}
#else
template <typename Test>
inline bool AnyWord(const unsigned char* bytes, std::size_t n, Test test) {
  if (n < 8) return n != 0 && test(LoadShort(bytes, n));
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (test(Load64(bytes + i))) return true;
  }
  return i != n && test(Load64(bytes + n - 8));
}

inline bool IsPlainJsonText(const unsigned char* bytes, std::size_t n) {
  return !AnyWord(bytes, n, [](std::uint64_t w) { return HasJsonSpecial(w); });
}
inline bool IsAsciiText(const unsigned char* bytes, std::size_t n) {
  return !AnyWord(bytes, n, [](std::uint64_t w) { return HasNonAscii(w); });
}
#endif

}  // namespace cairn::model::internal
