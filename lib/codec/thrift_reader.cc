// Follows zipkin2.internal.ThriftCodec, V1ThriftSpanReader and ThriftEndpointCodec, reading with
// the bounds checks and messages of zipkin2.internal.ReadBuffer. Deviations, all on input Zipkin
// cannot handle either: skip depth is capped at 64 instead of Integer.MAX_VALUE (a stack
// overflow in Java), and a negative string or skip length is "Malformed" instead of Java's
// StringIndexOutOfBoundsException or backwards seek.
#include "lib/codec/thrift_reader.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>

#include "lib/base/status.h"
#include "lib/codec/v1_span.h"
#include "lib/codec/v1_span_converter.h"

namespace cairn::codec {
namespace {

using internal::V1Endpoint;
using internal::V1Span;

// org.apache.thrift.protocol.TType
constexpr std::uint8_t kStop = 0;
constexpr std::uint8_t kBool = 2;
constexpr std::uint8_t kByte = 3;
constexpr std::uint8_t kDouble = 4;
constexpr std::uint8_t kI16 = 6;
constexpr std::uint8_t kI32 = 8;
constexpr std::uint8_t kI64 = 10;
constexpr std::uint8_t kString = 11;
constexpr std::uint8_t kStruct = 12;
constexpr std::uint8_t kMap = 13;
constexpr std::uint8_t kSet = 14;
constexpr std::uint8_t kList = 15;

constexpr int kMaxSkipDepth = 64;

struct Field {
  std::uint8_t type;
  std::int16_t id;
  bool Is(std::uint8_t t, std::int16_t i) const { return type == t && id == i; }
};

// Big-endian reads with ReadBuffer's checks.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  std::size_t available() const { return data_.size() - pos_; }

  Status Require(std::int64_t count) const {
    if (count > static_cast<std::int64_t>(available())) {
      return InvalidArgument("Truncated: length " + std::to_string(count) + " > bytes available " +
                             std::to_string(available()));
    }
    return Status::Ok();
  }

  Status ReadByte(std::uint8_t& out) {
    CAIRN_RETURN_IF_ERROR(Require(1));
    out = static_cast<std::uint8_t>(data_[pos_++]);
    return Status::Ok();
  }
  Status ReadShort(std::int16_t& out) {
    std::uint64_t value;
    CAIRN_RETURN_IF_ERROR(ReadBigEndian(2, value));
    out = static_cast<std::int16_t>(static_cast<std::uint16_t>(value));
    return Status::Ok();
  }
  Status ReadInt(std::int32_t& out) {
    std::uint64_t value;
    CAIRN_RETURN_IF_ERROR(ReadBigEndian(4, value));
    out = static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return Status::Ok();
  }
  Status ReadLong(std::int64_t& out) {
    std::uint64_t value;
    CAIRN_RETURN_IF_ERROR(ReadBigEndian(8, value));
    out = static_cast<std::int64_t>(value);
    return Status::Ok();
  }
  // A length-prefixed byte string (readInt then the bytes); a view into the message.
  Status ReadBinary(std::string_view& out) {
    std::int32_t length;
    CAIRN_RETURN_IF_ERROR(ReadInt(length));
    if (length < 0) return Malformed("negative length " + std::to_string(length));
    CAIRN_RETURN_IF_ERROR(Require(length));
    out = data_.substr(pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return Status::Ok();
  }
  // ReadBuffer.skip: clamps to what is left, never fails.
  void SkipClamped(std::uint64_t count) {
    pos_ += static_cast<std::size_t>(std::min<std::uint64_t>(count, available()));
  }

  Status ReadField(Field& out) {
    CAIRN_RETURN_IF_ERROR(ReadByte(out.type));
    out.id = 0;
    if (out.type == kStop) return Status::Ok();
    return ReadShort(out.id);
  }

  static Status Malformed(std::string detail) {
    return Status(StatusCode::kFailedPrecondition, "Malformed: " + std::move(detail));
  }

 private:
  Status ReadBigEndian(int size, std::uint64_t& out) {
    CAIRN_RETURN_IF_ERROR(Require(size));
    std::uint64_t value = 0;
    for (int i = 0; i < size; ++i) value = (value << 8) | static_cast<std::uint8_t>(data_[pos_++]);
    out = value;
    return Status::Ok();
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

// Bytes a value of this type takes when it has a fixed size; 0 for types that skip nothing
// (unknown types, as in Zipkin), -1 for variable-size types.
int FixedSize(std::uint8_t type) {
  switch (type) {
    case kBool:
    case kByte:
      return 1;
    case kI16:
      return 2;
    case kI32:
      return 4;
    case kDouble:
    case kI64:
      return 8;
    case kString:
    case kStruct:
    case kMap:
    case kSet:
    case kList:
      return -1;
    default:
      return 0;
  }
}

Status Skip(Reader& reader, std::uint8_t type, int depth);

// Skips `count` values of `type`. Fixed-size values are skipped in one step (Zipkin's clamped
// skip makes the rest no-ops), zero-size ones not at all; the others consume input or fail.
Status SkipMany(Reader& reader, std::uint8_t type, std::int64_t count, int depth) {
  if (count <= 0) return Status::Ok();
  int size = FixedSize(type);
  if (size == 0) return Status::Ok();
  if (size > 0) {
    reader.SkipClamped(static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(size));
    return Status::Ok();
  }
  for (std::int64_t i = 0; i < count; ++i) CAIRN_RETURN_IF_ERROR(Skip(reader, type, depth));
  return Status::Ok();
}

Status Skip(Reader& reader, std::uint8_t type, int depth) {
  if (depth <= 0) return Reader::Malformed("Maximum skip depth exceeded");
  int size = FixedSize(type);
  if (size >= 0) {
    reader.SkipClamped(static_cast<std::uint64_t>(size));
    return Status::Ok();
  }
  switch (type) {
    case kString: {
      std::int32_t length;
      CAIRN_RETURN_IF_ERROR(reader.ReadInt(length));
      if (length < 0) return Reader::Malformed("negative length " + std::to_string(length));
      reader.SkipClamped(static_cast<std::uint64_t>(length));
      return Status::Ok();
    }
    case kStruct:
      while (true) {
        Field field;
        CAIRN_RETURN_IF_ERROR(reader.ReadField(field));
        if (field.type == kStop) return Status::Ok();
        CAIRN_RETURN_IF_ERROR(Skip(reader, field.type, depth - 1));
      }
    case kMap: {
      std::uint8_t key_type;
      std::uint8_t value_type;
      std::int32_t length;
      CAIRN_RETURN_IF_ERROR(reader.ReadByte(key_type));
      CAIRN_RETURN_IF_ERROR(reader.ReadByte(value_type));
      CAIRN_RETURN_IF_ERROR(reader.ReadInt(length));
      if (FixedSize(key_type) >= 0 && FixedSize(value_type) >= 0) {
        std::uint64_t entry =
            static_cast<std::uint64_t>(FixedSize(key_type) + FixedSize(value_type));
        if (length > 0) reader.SkipClamped(entry * static_cast<std::uint64_t>(length));
        return Status::Ok();
      }
      for (std::int32_t i = 0; i < length; ++i) {
        CAIRN_RETURN_IF_ERROR(Skip(reader, key_type, depth - 1));
        CAIRN_RETURN_IF_ERROR(Skip(reader, value_type, depth - 1));
      }
      return Status::Ok();
    }
    case kSet:
    case kList: {
      std::uint8_t element_type;
      std::int32_t length;
      CAIRN_RETURN_IF_ERROR(reader.ReadByte(element_type));
      CAIRN_RETURN_IF_ERROR(reader.ReadInt(length));
      return SkipMany(reader, element_type, length, depth - 1);
    }
    default:
      return Status::Ok();
  }
}

class ThriftSpanReader {
 public:
  explicit ThriftSpanReader(Reader& reader) : reader_(reader) {}

  // V1ThriftSpanReader.read into `span`.
  Status Read(V1Span& span) {
    span.Clear();
    arena_.Clear();
    while (true) {
      Field field;
      CAIRN_RETURN_IF_ERROR(reader_.ReadField(field));
      if (field.type == kStop) break;
      std::int64_t value = 0;
      if (field.Is(kI64, 12)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(value));
        span.trace_id_high = static_cast<std::uint64_t>(value);
      } else if (field.Is(kI64, 1)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(value));
        span.trace_id = static_cast<std::uint64_t>(value);
      } else if (field.Is(kString, 3)) {
        std::string_view name;
        CAIRN_RETURN_IF_ERROR(ReadText(name));
        span.name = arena_.LowerCase(name);
      } else if (field.Is(kI64, 4)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(value));
        span.id = static_cast<std::uint64_t>(value);
      } else if (field.Is(kI64, 5)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(value));
        span.parent_id = static_cast<std::uint64_t>(value);
      } else if (field.Is(kList, 6)) {
        std::int32_t length;
        CAIRN_RETURN_IF_ERROR(ReadListLength(length));
        for (std::int32_t i = 0; i < length; ++i) CAIRN_RETURN_IF_ERROR(ReadAnnotation(span));
      } else if (field.Is(kList, 8)) {
        std::int32_t length;
        CAIRN_RETURN_IF_ERROR(ReadListLength(length));
        for (std::int32_t i = 0; i < length; ++i) {
          CAIRN_RETURN_IF_ERROR(ReadBinaryAnnotation(span));
        }
      } else if (field.Is(kBool, 9)) {
        std::uint8_t debug;
        CAIRN_RETURN_IF_ERROR(reader_.ReadByte(debug));
        span.debug = debug == 1;
      } else if (field.Is(kI64, 10)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(span.timestamp));
      } else if (field.Is(kI64, 11)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(span.duration));
      } else {
        CAIRN_RETURN_IF_ERROR(Skip(reader_, field.type, kMaxSkipDepth));
      }
    }
    return span.Finish();
  }

  Status ReadListLength(std::int32_t& length) {
    std::uint8_t ignored_type;
    CAIRN_RETURN_IF_ERROR(reader_.ReadByte(ignored_type));
    return reader_.ReadInt(length);
  }

 private:
  // A UTF-8 string as Java decodes it (ill-formed sequences become U+FFFD).
  Status ReadText(std::string_view& out) {
    CAIRN_RETURN_IF_ERROR(reader_.ReadBinary(out));
    out = arena_.RepairUtf8(out);
    return Status::Ok();
  }

  Status ReadEndpoint(V1Endpoint& out) {
    out = V1Endpoint();
    while (true) {
      Field field;
      CAIRN_RETURN_IF_ERROR(reader_.ReadField(field));
      if (field.type == kStop) return Status::Ok();
      if (field.Is(kI32, 1)) {
        std::int32_t ipv4;
        CAIRN_RETURN_IF_ERROR(reader_.ReadInt(ipv4));
        if (ipv4 != 0) {
          auto bits = static_cast<std::uint32_t>(ipv4);
          const std::uint8_t bytes[4] = {
              static_cast<std::uint8_t>(bits >> 24), static_cast<std::uint8_t>(bits >> 16),
              static_cast<std::uint8_t>(bits >> 8), static_cast<std::uint8_t>(bits)};
          out.ipv4.ParseBytes(bytes);
        }
      } else if (field.Is(kI16, 2)) {
        std::int16_t port;
        CAIRN_RETURN_IF_ERROR(reader_.ReadShort(port));
        out.port = static_cast<std::uint16_t>(port);
      } else if (field.Is(kString, 3)) {
        std::string_view service_name;
        CAIRN_RETURN_IF_ERROR(ReadText(service_name));
        out.service_name = arena_.LowerCase(service_name);
      } else if (field.Is(kString, 4)) {
        std::string_view bytes;
        CAIRN_RETURN_IF_ERROR(reader_.ReadBinary(bytes));
        IpText ip;
        std::span<const std::uint8_t> raw(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                          bytes.size());
        if (ip.ParseBytes(raw)) (ip.family() == IpText::Family::kIpv4 ? out.ipv4 : out.ipv6) = ip;
      } else {
        CAIRN_RETURN_IF_ERROR(Skip(reader_, field.type, kMaxSkipDepth));
      }
    }
  }

  Status ReadAnnotation(V1Span& span) {
    std::int64_t timestamp = 0;
    std::string_view value;
    bool has_value = false;
    bool has_endpoint = false;
    V1Endpoint endpoint;
    while (true) {
      Field field;
      CAIRN_RETURN_IF_ERROR(reader_.ReadField(field));
      if (field.type == kStop) break;
      if (field.Is(kI64, 1)) {
        CAIRN_RETURN_IF_ERROR(reader_.ReadLong(timestamp));
      } else if (field.Is(kString, 2)) {
        CAIRN_RETURN_IF_ERROR(ReadText(value));
        has_value = true;
      } else if (field.Is(kStruct, 3)) {
        CAIRN_RETURN_IF_ERROR(ReadEndpoint(endpoint));
        has_endpoint = true;
      } else {
        CAIRN_RETURN_IF_ERROR(Skip(reader_, field.type, kMaxSkipDepth));
      }
    }
    if (timestamp == 0 || !has_value) return Status::Ok();
    span.AddAnnotation(timestamp, value, has_endpoint ? &endpoint : nullptr);
    return Status::Ok();
  }

  Status ReadBinaryAnnotation(V1Span& span) {
    std::string_view key;
    std::string_view value;
    bool has_key = false;
    bool has_value = false;
    bool is_bool = false;
    bool is_string = false;
    bool has_endpoint = false;
    V1Endpoint endpoint;
    while (true) {
      Field field;
      CAIRN_RETURN_IF_ERROR(reader_.ReadField(field));
      if (field.type == kStop) break;
      if (field.Is(kString, 1)) {
        CAIRN_RETURN_IF_ERROR(ReadText(key));
        has_key = true;
      } else if (field.Is(kString, 2)) {
        CAIRN_RETURN_IF_ERROR(ReadText(value));
        has_value = true;
      } else if (field.Is(kI32, 3)) {
        std::int32_t type;
        CAIRN_RETURN_IF_ERROR(reader_.ReadInt(type));
        if (type == 0) is_bool = true;    // AnnotationType.BOOL
        if (type == 6) is_string = true;  // AnnotationType.STRING
      } else if (field.Is(kStruct, 4)) {
        CAIRN_RETURN_IF_ERROR(ReadEndpoint(endpoint));
        has_endpoint = true;
      } else {
        CAIRN_RETURN_IF_ERROR(Skip(reader_, field.type, kMaxSkipDepth));
      }
    }
    if (!has_key || !has_value) return Status::Ok();
    const V1Endpoint* endpoint_or_null = has_endpoint ? &endpoint : nullptr;
    if (is_string) {
      span.AddStringAnnotation(key, value, endpoint_or_null);
    } else if (is_bool && value == "\x01" && endpoint_or_null != nullptr) {
      if (key == "sa" || key == "ca" || key == "ma") {
        span.AddAddressAnnotation(key, endpoint_or_null);
      }
    }
    return Status::Ok();
  }

  Reader& reader_;
  internal::StringArena arena_;
};

Status ReadList(std::string_view body, const DecodeOptions& options, SpanList& out) {
  Reader reader(body);
  ThriftSpanReader span_reader(reader);
  std::int32_t length;
  CAIRN_RETURN_IF_ERROR(span_reader.ReadListLength(length));
  V1Span span;
  for (std::int32_t i = 0; i < length; ++i) {
    CAIRN_RETURN_IF_ERROR(span_reader.Read(span));
    CAIRN_RETURN_IF_ERROR(internal::ConvertV1Span(span, out));
    if (options.max_spans != 0 && out.size() > options.max_spans) {
      return ResourceExhausted("More than " + std::to_string(options.max_spans) +
                               " spans in one message");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SpanList> ReadThriftList(std::string_view body, const DecodeOptions& options) {
  SpanList spans;
  if (body.empty()) return spans;
  Status status = ReadList(body, options, spans);
  if (status.ok()) return spans;
  if (status.code() == StatusCode::kResourceExhausted) return status;
  // ThriftCodec.exceptionReading: IllegalStateException (skip depth) and underflow are
  // "Malformed"; our other Malformed details are marked with kFailedPrecondition above.
  std::string cause =
      status.code() == StatusCode::kFailedPrecondition ? "Malformed" : status.message();
  return InvalidArgument(cause + " reading List<Span> from TBinary");
}

}  // namespace cairn::codec
