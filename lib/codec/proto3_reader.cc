// Follows zipkin2.internal.Proto3Codec.readList, Proto3ZipkinFields and Proto3Fields, with the
// messages of zipkin2.internal.ReadBuffer. Field keys are matched as whole varints, as Zipkin's
// switch statements do, so a known field number with an unexpected wire type is skipped.
#include "lib/codec/proto3_reader.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "lib/base/status.h"
#include "lib/codec/ip_address.h"
#include "lib/codec/normalize.h"
#include "lib/codec/zipkin_ids.h"
#include "lib/model/utf8.h"

namespace cairn::codec {
namespace {

using trace::SpanKind;
using trace::SpanRecord;

constexpr int kWireVarint = 0;
constexpr int kWireFixed64 = 1;
constexpr int kWireLengthDelimited = 2;
constexpr int kWireFixed32 = 5;

constexpr std::uint32_t Key(int field, int wire_type) {
  return static_cast<std::uint32_t>(field << 3 | wire_type);
}

// Reads [pos, end) of `data`; positions in messages are offsets in the whole body.
class Reader {
 public:
  Reader(std::string_view data, std::size_t pos, std::size_t end)
      : data_(data), pos_(pos), end_(end) {}

  std::size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ >= end_; }
  std::size_t available() const { return end_ - pos_; }

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

  // ReadBuffer.readVarint32: at most 5 bytes, the last holding at most 4 bits.
  Status ReadVarint32(std::int32_t& out) {
    std::uint32_t result = 0;
    for (int i = 0; i < 4; ++i) {
      std::uint8_t b;
      CAIRN_RETURN_IF_ERROR(ReadByte(b));
      result |= static_cast<std::uint32_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        out = static_cast<std::int32_t>(result);
        return Status::Ok();
      }
    }
    std::uint8_t b;
    CAIRN_RETURN_IF_ERROR(ReadByte(b));
    if ((b & 0xf0) != 0) {
      return InvalidArgument("Greater than 32-bit varint at position " + std::to_string(pos_ - 1));
    }
    out = static_cast<std::int32_t>(result | static_cast<std::uint32_t>(b) << 28);
    return Status::Ok();
  }

  // ReadBuffer.readVarint64: at most 10 bytes, the last holding at most 4 bits (as Zipkin checks).
  Status ReadVarint64(std::int64_t& out) {
    std::uint8_t b;
    CAIRN_RETURN_IF_ERROR(ReadByte(b));
    std::uint64_t result = b & 0x7f;
    for (int i = 1; (b & 0x80) != 0 && i < 10; ++i) {
      CAIRN_RETURN_IF_ERROR(ReadByte(b));
      if (i == 9 && (b & 0xf0) != 0) {
        return InvalidArgument("Greater than 64-bit varint at position " +
                               std::to_string(pos_ - 1));
      }
      result |= static_cast<std::uint64_t>(b & 0x7f) << (i * 7);
    }
    out = static_cast<std::int64_t>(result);
    return Status::Ok();
  }

  Status ReadFixed64(std::int64_t& out) {
    CAIRN_RETURN_IF_ERROR(Require(8));
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(data_[pos_ + i]);
    pos_ += 8;
    out = static_cast<std::int64_t>(value);
    return Status::Ok();
  }

  // A length prefix followed by that many bytes, as a view; `length` < 0 is malformed.
  Status ReadLengthDelimited(std::string_view& out) {
    std::int32_t length;
    CAIRN_RETURN_IF_ERROR(ReadVarint32(length));
    if (length < 0) return Malformed("negative length " + std::to_string(length));
    CAIRN_RETURN_IF_ERROR(Require(length));
    out = data_.substr(pos_, static_cast<std::size_t>(length));
    pos_ += static_cast<std::size_t>(length);
    return Status::Ok();
  }

  // A reader over the next `length` bytes (which must be available); this one skips them.
  Reader Sub(std::size_t length) {
    Reader sub(data_, pos_, pos_ + length);
    pos_ += length;
    return sub;
  }

  // Proto3Fields.Field.skipValue after logAndSkip's wire type check.
  Status SkipField(std::uint32_t key) {
    int wire_type = static_cast<int>(key & 7);
    switch (wire_type) {
      case kWireVarint:
        while (!AtEnd()) {
          if ((static_cast<std::uint8_t>(data_[pos_++]) & 0x80) == 0) break;
        }
        return Status::Ok();
      case kWireFixed64:
        SkipClamped(8);
        return Status::Ok();
      case kWireLengthDelimited: {
        std::int32_t length;
        CAIRN_RETURN_IF_ERROR(ReadVarint32(length));
        if (length < 0) return Malformed("negative length " + std::to_string(length));
        SkipClamped(static_cast<std::size_t>(length));
        return Status::Ok();
      }
      case kWireFixed32:
        SkipClamped(4);
        return Status::Ok();
      default:
        return Malformed("invalid wireType " + std::to_string(wire_type) + " at byte " +
                         std::to_string(pos_));
    }
  }

  // BooleanField.read.
  Status ReadBool(bool& out) {
    std::uint8_t b;
    CAIRN_RETURN_IF_ERROR(ReadByte(b));
    if (b > 1) return Malformed("invalid boolean value at byte " + std::to_string(pos_));
    out = b == 1;
    return Status::Ok();
  }

  static Status Malformed(std::string detail) {
    return InvalidArgument("Malformed: " + std::move(detail));
  }

 private:
  void SkipClamped(std::size_t count) { pos_ += std::min(count, available()); }

  std::string_view data_;
  std::size_t pos_;
  std::size_t end_;
};

// Keys are varints; Zipkin reads them with readVarint32 and compares the whole value.
Status ReadKey(Reader& reader, std::uint32_t& key) {
  std::int32_t value;
  CAIRN_RETURN_IF_ERROR(reader.ReadVarint32(value));
  key = static_cast<std::uint32_t>(value);
  return Status::Ok();
}

// HexField: the bytes as lower hex (at most 32 bytes), empty when the length is zero.
Status ReadHex(Reader& reader, std::string& out) {
  std::int32_t length;
  CAIRN_RETURN_IF_ERROR(reader.ReadVarint32(length));
  out.clear();
  if (length == 0) return Status::Ok();
  if (length > 32) {
    return InvalidArgument("hex field greater than 32 chars long: " + std::to_string(length));
  }
  if (length < 0) return Reader::Malformed("negative length " + std::to_string(length));
  CAIRN_RETURN_IF_ERROR(reader.Require(length));
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::int32_t i = 0; i < length; ++i) {
    std::uint8_t b;
    CAIRN_RETURN_IF_ERROR(reader.ReadByte(b));
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return Status::Ok();
}

class SpanReader {
 public:
  // SpanField.readValue over `reader` (positioned on the span's fields, bounded to them).
  Status Read(Reader& reader, SpanRecord& span) {
    while (!reader.AtEnd()) {
      std::uint32_t key;
      CAIRN_RETURN_IF_ERROR(ReadKey(reader, key));
      switch (key) {
        case Key(1, kWireLengthDelimited): {
          CAIRN_RETURN_IF_ERROR(ReadHex(reader, hex_));
          if (hex_.empty()) return InvalidArgument("traceId == null");
          CAIRN_ASSIGN_OR_RETURN(span.trace_id, ParseTraceId(hex_));
          break;
        }
        case Key(2, kWireLengthDelimited): {
          CAIRN_RETURN_IF_ERROR(ReadHex(reader, hex_));
          if (hex_.empty()) {
            span.parent_id = 0;
          } else {
            CAIRN_ASSIGN_OR_RETURN(span.parent_id, ParseParentId(hex_));
          }
          break;
        }
        case Key(3, kWireLengthDelimited): {
          CAIRN_RETURN_IF_ERROR(ReadHex(reader, hex_));
          if (hex_.empty()) return InvalidArgument("id == null");
          CAIRN_ASSIGN_OR_RETURN(span.id, ParseSpanId(hex_));
          break;
        }
        case Key(4, kWireVarint): {
          std::int32_t kind;
          CAIRN_RETURN_IF_ERROR(reader.ReadVarint32(kind));
          if (kind < 0) {  // Java indexes Kind.values() with it
            return InvalidArgument("Index " + std::to_string(static_cast<std::int64_t>(kind) - 1) +
                                   " out of bounds for length 4");
          }
          if (kind >= 1 && kind <= 4) span.kind = static_cast<SpanKind>(kind);
          break;
        }
        case Key(5, kWireLengthDelimited): {
          std::string_view name;
          CAIRN_RETURN_IF_ERROR(ReadText(reader, name));
          span.SetName(name);
          break;
        }
        case Key(6, kWireFixed64):
          CAIRN_RETURN_IF_ERROR(reader.ReadFixed64(span.timestamp_us));
          break;
        case Key(7, kWireVarint):
          CAIRN_RETURN_IF_ERROR(reader.ReadVarint64(span.duration_us));
          break;
        case Key(8, kWireLengthDelimited):
          CAIRN_RETURN_IF_ERROR(ReadEndpoint(reader, span, span.local_endpoint));
          break;
        case Key(9, kWireLengthDelimited):
          CAIRN_RETURN_IF_ERROR(ReadEndpoint(reader, span, span.remote_endpoint));
          break;
        case Key(10, kWireLengthDelimited):
          CAIRN_RETURN_IF_ERROR(ReadAnnotation(reader, span));
          break;
        case Key(11, kWireLengthDelimited):
          CAIRN_RETURN_IF_ERROR(ReadTag(reader, span));
          break;
        case Key(12, kWireVarint): {
          bool debug;
          CAIRN_RETURN_IF_ERROR(reader.ReadBool(debug));
          if (debug) span.debug = true;
          break;
        }
        case Key(13, kWireVarint): {
          bool shared;
          CAIRN_RETURN_IF_ERROR(reader.ReadBool(shared));
          if (shared) span.shared = true;
          break;
        }
        default:
          CAIRN_RETURN_IF_ERROR(reader.SkipField(key));
      }
    }
    return internal::NormalizeDecodedSpan(span);
  }

 private:
  // A Utf8Field as Java decodes it: ill-formed UTF-8 becomes U+FFFD. Empty when length is 0.
  Status ReadText(Reader& reader, std::string_view& out) {
    CAIRN_RETURN_IF_ERROR(reader.ReadLengthDelimited(out));
    if (!model::IsValidUtf8(out)) {
      repaired_.clear();
      model::AppendUtf8Repaired(out, repaired_);
      out = repaired_;
    }
    return Status::Ok();
  }

  // Reads a nested message's bytes and hands a bounded reader over them to `read`; a zero length
  // means the field is absent (null), so `read` is not called.
  template <typename ReadFields>
  Status ReadNested(Reader& reader, ReadFields read) {
    std::int32_t length;
    CAIRN_RETURN_IF_ERROR(reader.ReadVarint32(length));
    if (length == 0) return Status::Ok();
    if (length < 0) return Reader::Malformed("negative length " + std::to_string(length));
    CAIRN_RETURN_IF_ERROR(reader.Require(length));
    Reader sub = reader.Sub(static_cast<std::size_t>(length));
    return read(sub);
  }

  Status ReadEndpoint(Reader& reader, SpanRecord& span, trace::EndpointView& endpoint) {
    endpoint = trace::EndpointView();  // a repeated endpoint replaces the previous one
    return ReadNested(reader, [&](Reader& fields) -> Status {
      std::string_view service_name;
      IpText ipv4;
      IpText ipv6;
      std::uint16_t port = 0;
      while (!fields.AtEnd()) {
        std::uint32_t key;
        CAIRN_RETURN_IF_ERROR(ReadKey(fields, key));
        if (key == Key(1, kWireLengthDelimited)) {
          CAIRN_RETURN_IF_ERROR(ReadText(fields, service_name));
          service_name = span.Intern(service_name);  // `repaired_` may be reused
        } else if (key == Key(2, kWireLengthDelimited) || key == Key(3, kWireLengthDelimited)) {
          std::string_view bytes;
          CAIRN_RETURN_IF_ERROR(fields.ReadLengthDelimited(bytes));
          IpText ip;
          std::span<const std::uint8_t> raw(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                            bytes.size());
          if (ip.ParseBytes(raw)) (ip.family() == IpText::Family::kIpv4 ? ipv4 : ipv6) = ip;
        } else if (key == Key(4, kWireVarint)) {
          std::int32_t value;
          CAIRN_RETURN_IF_ERROR(fields.ReadVarint32(value));
          if (value > 0xffff) return InvalidArgument("invalid port " + std::to_string(value));
          port = value < 0 ? 0 : static_cast<std::uint16_t>(value);
        } else {
          CAIRN_RETURN_IF_ERROR(fields.SkipField(key));
        }
      }
      endpoint.service_name = service_name;
      endpoint.ipv4 = span.Intern(ipv4.text());
      endpoint.ipv6 = span.Intern(ipv6.text());
      endpoint.port = port;
      return Status::Ok();
    });
  }

  Status ReadAnnotation(Reader& reader, SpanRecord& span) {
    return ReadNested(reader, [&](Reader& fields) -> Status {
      std::int64_t timestamp = 0;
      std::string_view value;
      while (!fields.AtEnd()) {
        std::uint32_t key;
        CAIRN_RETURN_IF_ERROR(ReadKey(fields, key));
        if (key == Key(1, kWireFixed64)) {
          CAIRN_RETURN_IF_ERROR(fields.ReadFixed64(timestamp));
        } else if (key == Key(2, kWireLengthDelimited)) {
          CAIRN_RETURN_IF_ERROR(ReadText(fields, value));
        } else {
          CAIRN_RETURN_IF_ERROR(fields.SkipField(key));
        }
      }
      if (timestamp != 0 && !value.empty()) span.AddAnnotation(timestamp, value);
      return Status::Ok();
    });
  }

  Status ReadTag(Reader& reader, SpanRecord& span) {
    return ReadNested(reader, [&](Reader& fields) -> Status {
      std::string_view key_text;
      std::string_view value;
      while (!fields.AtEnd()) {
        std::uint32_t key;
        CAIRN_RETURN_IF_ERROR(ReadKey(fields, key));
        if (key == Key(1, kWireLengthDelimited)) {
          CAIRN_RETURN_IF_ERROR(ReadText(fields, key_text));
          key_text = span.Intern(key_text);  // `repaired_` may be reused for the value
        } else if (key == Key(2, kWireLengthDelimited)) {
          std::string_view read;
          CAIRN_RETURN_IF_ERROR(ReadText(fields, read));
          if (!read.empty()) value = span.Intern(read);  // empty keeps the previous value
        } else {
          CAIRN_RETURN_IF_ERROR(fields.SkipField(key));
        }
      }
      if (!key_text.empty()) span.AppendTag(key_text, value);
      return Status::Ok();
    });
  }

  std::string hex_;
  std::string repaired_;
};

Status ReadList(std::string_view body, const DecodeOptions& options, SpanList& out) {
  Reader reader(body, 0, body.size());
  SpanReader span_reader;
  while (!reader.AtEnd()) {
    std::uint32_t ignored_key;
    CAIRN_RETURN_IF_ERROR(ReadKey(reader, ignored_key));
    std::int32_t length;
    CAIRN_RETURN_IF_ERROR(reader.ReadVarint32(length));
    if (length == 0) {  // SpanField reads null: Zipkin returns no spans at all
      out.clear();
      return Status::Ok();
    }
    if (length < 0) return Reader::Malformed("negative length " + std::to_string(length));
    CAIRN_RETURN_IF_ERROR(reader.Require(length));
    if (options.max_spans != 0 && out.size() >= options.max_spans) {
      return ResourceExhausted("More than " + std::to_string(options.max_spans) +
                               " spans in one message");
    }
    Reader fields = reader.Sub(static_cast<std::size_t>(length));
    auto span = std::make_unique<SpanRecord>();
    CAIRN_RETURN_IF_ERROR(span_reader.Read(fields, *span));
    out.push_back(std::move(span));
  }
  return Status::Ok();
}

}  // namespace

Result<SpanList> ReadProto3List(std::string_view body, const DecodeOptions& options) {
  SpanList spans;
  if (body.empty()) return spans;
  Status status = ReadList(body, options, spans);
  if (status.ok()) return spans;
  if (status.code() == StatusCode::kResourceExhausted) return status;
  // Proto3Codec.exceptionReading: any cause mentioning "Malformed" is just "Malformed".
  std::string cause = status.message().find("Malformed") != std::string::npos
                          ? std::string("Malformed")
                          : status.message();
  return InvalidArgument(cause + " reading List<Span> from proto3");
}

}  // namespace cairn::codec
