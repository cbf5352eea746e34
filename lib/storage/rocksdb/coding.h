// Byte-level encoding helpers for the RocksDB store's keys and values: big-endian fixed-width
// integers (so keys sort numerically) and LEB128 varints (compact values), plus a bounds-checked
// reader. Stored bytes are trusted to have been written by this code, but the reader still never
// reads past its input: a short or garbled value makes it report failure instead.
//
// Thread-safe: no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cairn::storage::rdb {

// Encoders into a caller's buffer; each returns the position after what it wrote.
inline char* EncodeFixed64BE(char* p, std::uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return p + 8;
}

inline char* EncodeFixed32BE(char* p, std::uint32_t value) {
  for (int i = 3; i >= 0; --i) {
    p[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return p + 4;
}

// At most 10 bytes.
inline char* EncodeVarint64(char* p, std::uint64_t value) {
  while (value >= 0x80) {
    *p++ = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<char>(value);
  return p;
}

inline void PutFixed32BE(std::string& out, std::uint32_t value) {
  char bytes[4];
  for (int i = 3; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out.append(bytes, 4);
}

inline void PutFixed64BE(std::string& out, std::uint64_t value) {
  char bytes[8];
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out.append(bytes, 8);
}

inline std::uint64_t DecodeFixed64BE(const char* p) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

inline std::uint32_t DecodeFixed32BE(const char* p) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(p[i]);
  return value;
}

inline void PutVarint64(std::string& out, std::uint64_t value) {
  char bytes[10];
  int n = 0;
  while (value >= 0x80) {
    bytes[n++] = static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  bytes[n++] = static_cast<char>(value);
  out.append(bytes, static_cast<std::size_t>(n));
}

// Zig-zag, so small negative counter deltas stay small.
inline void PutSignedVarint64(std::string& out, std::int64_t value) {
  PutVarint64(out,
              (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
}

inline void PutLengthPrefixed(std::string& out, std::string_view bytes) {
  PutVarint64(out, bytes.size());
  out.append(bytes);
}

// Sequential reader over a value. Every Read* returns false (and leaves the reader failed) when
// the input is too short or malformed; callers check once at the end via ok().
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  bool ok() const { return ok_; }
  bool empty() const { return pos_ >= data_.size(); }
  std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }

  bool ReadFixed64BE(std::uint64_t& value) {
    if (!Need(8)) return false;
    value = DecodeFixed64BE(data_.data() + pos_);
    pos_ += 8;
    return true;
  }
  bool ReadFixed32BE(std::uint32_t& value) {
    if (!Need(4)) return false;
    value = DecodeFixed32BE(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool ReadByte(std::uint8_t& value) {
    if (!Need(1)) return false;
    value = static_cast<std::uint8_t>(data_[pos_++]);
    return true;
  }
  bool ReadVarint64(std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (!Need(1)) return false;
      const auto byte = static_cast<unsigned char>(data_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return Fail();
  }
  bool ReadSignedVarint64(std::int64_t& value) {
    std::uint64_t raw = 0;
    if (!ReadVarint64(raw)) return false;
    value = static_cast<std::int64_t>((raw >> 1) ^ (~(raw & 1) + 1));
    return true;
  }
  bool ReadBytes(std::size_t size, std::string_view& bytes) {
    if (!Need(size)) return false;
    bytes = data_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  bool ReadLengthPrefixed(std::string_view& bytes) {
    std::uint64_t size = 0;
    if (!ReadVarint64(size)) return false;
    if (size > data_.size()) return Fail();
    return ReadBytes(static_cast<std::size_t>(size), bytes);
  }

 private:
  bool Need(std::size_t size) {
    if (!ok_ || data_.size() - pos_ < size) return Fail();
    return true;
  }
  bool Fail() {
    ok_ = false;
    return false;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cairn::storage::rdb
