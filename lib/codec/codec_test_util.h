// Test-only helpers for lib/codec: spans as JSON text for readable comparisons, the shared test
// data directory, and a minimal TBinaryProtocol writer for building Thrift messages.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/span_record.h"
#include "lib/codec/decode_options.h"
#include "lib/codec/json_v2_reader.h"
#include "lib/model/json_v2_writer.h"

namespace cairn::codec::testing {

// One span as Zipkin JSON v2 (the model encoder's exact output).
inline std::string Json(const trace::SpanRecord& span) {
  std::string out;
  model::AppendJsonV2(span, out);
  return out;
}

// Spans as a JSON v2 list, in order.
inline std::string Json(const SpanList& spans) {
  std::string out = "[";
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i != 0) out += ',';
    model::AppendJsonV2(*spans[i], out);
  }
  out += ']';
  return out;
}

// The normalised JSON of a JSON v2 list: how the expected side of a test is written.
inline std::string Normalized(std::string_view json_v2_list) {
  auto spans = ReadJsonV2List(json_v2_list);
  EXPECT_TRUE(spans.ok()) << spans.status().message() << " in " << json_v2_list;
  if (!spans.ok()) return "";
  return Json(*spans);
}

// $CAIRN_SOURCE_DIR/../shared/testdata, or empty when absent (tests then GTEST_SKIP()).
inline std::filesystem::path SharedTestdata() {
  const char* source = std::getenv("CAIRN_SOURCE_DIR");
  std::filesystem::path dir =
      std::filesystem::path(source != nullptr ? source : CAIRN_CODEC_SOURCE_DIR) / ".." / "shared" /
      "testdata";
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return {};
  return dir;
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes TBinaryProtocol values (big-endian) for building zipkinCore messages in tests.
class ThriftWriter {
 public:
  ThriftWriter& Byte(std::uint8_t v) {
    out_ += static_cast<char>(v);
    return *this;
  }
  ThriftWriter& I16(std::int16_t v) { return BigEndian(static_cast<std::uint16_t>(v), 2); }
  ThriftWriter& I32(std::int32_t v) { return BigEndian(static_cast<std::uint32_t>(v), 4); }
  ThriftWriter& I64(std::int64_t v) { return BigEndian(static_cast<std::uint64_t>(v), 8); }
  ThriftWriter& Binary(std::string_view bytes) {
    I32(static_cast<std::int32_t>(bytes.size()));
    out_ += bytes;
    return *this;
  }
  ThriftWriter& Field(std::uint8_t type, std::int16_t id) { return Byte(type).I16(id); }
  ThriftWriter& Stop() { return Byte(0); }
  ThriftWriter& ListBegin(std::uint8_t element_type, std::int32_t size) {
    return Byte(element_type).I32(size);
  }
  ThriftWriter& Raw(std::string_view bytes) {
    out_ += bytes;
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  ThriftWriter& BigEndian(std::uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  std::string out_;
};

}  // namespace cairn::codec::testing
