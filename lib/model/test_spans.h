// Test-only: the spans of Zipkin's own encoder tests (openzipkin/zipkin
// zipkin/src/test/java/zipkin2/codec/SpanBytesEncoderTest.java and TestObjects.java), rebuilt as
// SpanRecords, so the encoders can be checked against the outputs Zipkin's tests assert.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "cairn/trace/ids.h"
#include "cairn/trace/span_record.h"

namespace cairn::model::testing {

using trace::EndpointView;
using trace::SpanKind;
using trace::SpanRecord;

inline trace::TraceId Trace(std::string_view hex) {
  if (hex.size() == 32) return *trace::TraceId::FromHex(hex);
  return trace::TraceId{0, *trace::ParseHex64(hex)};
}
inline trace::SpanId Id(std::string_view hex) { return *trace::ParseHex64(hex); }

inline const EndpointView kFrontend{"frontend", "127.0.0.1", "", 0};
inline const EndpointView kBackend{"backend", "192.168.99.101", "", 9000};
inline const EndpointView kDb{"db", "", "2001:db8::c001", 3036};

// SpanBytesEncoderTest.SPAN: CLIENT_SPAN with fixed timestamps. Tags are added out of key order.
inline std::unique_ptr<SpanRecord> ClientSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("7180c278b62e8f6a216a2aea45d08fc9");
  span->parent_id = Id("6b221d5bc9e6496c");
  span->id = Id("5b4185666d50f68b");
  span->SetName("get");
  span->kind = SpanKind::kClient;
  span->SetLocalEndpoint(kFrontend);
  span->SetRemoteEndpoint(kBackend);
  span->timestamp_us = 1472470996199000;
  span->duration_us = 207000;
  span->AddAnnotation(1472470996238000, "foo");
  span->AddAnnotation(1472470996403000, "bar");
  span->SetTag("http.path", "/api");
  span->SetTag("clnt/finagle.version", "6.45.0");
  return span;
}

// SpanBytesEncoderTest.UTF8_SPAN: strings full of characters JSON must escape.
inline std::unique_ptr<SpanRecord> Utf8Span() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("1");
  span->id = Id("1");
  span->SetName("\"\\\t\b\n\r\f");
  span->AddAnnotation(1, "\u2028 and \u2029");
  span->SetTag("\"foo",
               "Database error: ORA-00942:\u2028 and \u2029 table or view does not exist\n");
  return span;
}

// SpanBytesEncoderTest.NO_ANNOTATIONS_ROOT_SERVER_SPAN.
inline std::unique_ptr<SpanRecord> RootServerSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("dc955a1d4768875d");
  span->id = Id("dc955a1d4768875d");
  span->SetName("get");
  span->timestamp_us = 1510256710021866;
  span->duration_us = 1117;
  span->kind = SpanKind::kServer;
  span->SetLocalEndpoint({"isao01", "10.23.14.72", "", 0});
  span->SetTag("http.path", "/rs/A");
  span->SetTag("location", "T67792");
  span->SetTag("other", "A");
  return span;
}

// SpanBytesEncoderTest.LOCAL_SPAN.
inline std::unique_ptr<SpanRecord> LocalSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("dc955a1d4768875d");
  span->id = Id("dc955a1d4768875d");
  span->SetName("encode");
  span->timestamp_us = 1510256710021866;
  span->duration_us = 1117;
  span->SetLocalEndpoint({"isao01", "10.23.14.72", "", 0});
  return span;
}

// SpanBytesEncoderTest.ERROR_SPAN: a tag with an empty value.
inline std::unique_ptr<SpanRecord> ErrorSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("dc955a1d4768875d");
  span->id = Id("dc955a1d4768875d");
  span->SetLocalEndpoint({"isao01", "", "", 0});
  span->kind = SpanKind::kClient;
  span->SetTag("error", "");
  return span;
}

// SpanBytesEncoderTest span_minimum: ids only.
inline std::unique_ptr<SpanRecord> MinimumSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("7180c278b62e8f6a216a2aea45d08fc9");
  span->id = Id("5b4185666d50f68b");
  return span;
}

// The `example` of the Span definition in zipkin2-api.yaml.
inline std::unique_ptr<SpanRecord> ApiExampleSpan() {
  auto span = std::make_unique<SpanRecord>();
  span->id = Id("352bff9a74ca9ad2");
  span->trace_id = Trace("5af7183fb1d4cf5f");
  span->parent_id = Id("6b221d5bc9e6496c");
  span->SetName("get /api");
  span->timestamp_us = 1556604172355737;
  span->duration_us = 1431;
  span->kind = SpanKind::kServer;
  span->SetLocalEndpoint({"backend", "192.168.99.1", "", 3306});
  span->SetRemoteEndpoint({"", "172.19.0.2", "", 58648});
  span->SetTag("http.method", "GET");
  span->SetTag("http.path", "/api");
  return span;
}

}  // namespace cairn::model::testing
