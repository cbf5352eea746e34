// A line-by-line port of zipkin2.v1.V1SpanConverter (Zipkin 2.x/3.x): Span.Builder maps onto
// SpanRecord fields, `null` endpoints onto nullptr, and Java's wrapping long arithmetic onto
// unsigned arithmetic. The only addition is an index from service name to span, so a hostile
// span that names thousands of services is not converted in quadratic time; lookups return the
// first span with the name, which is what Zipkin's linear search returns.
#include "lib/codec/v1_span_converter.h"

#include <memory>
#include <unordered_map>
#include <vector>

#include "lib/base/status.h"
#include "lib/codec/normalize.h"

namespace cairn::codec::internal {
namespace {

using trace::EndpointView;
using trace::SpanKind;
using trace::SpanRecord;

constexpr std::size_t kLinearSearchLimit = 16;

std::int64_t WrappingSub(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
}

EndpointView View(const V1Endpoint& endpoint) {
  return EndpointView{endpoint.service_name, endpoint.ipv4.text(), endpoint.ipv6.text(),
                      endpoint.port};
}

const V1Endpoint* EndpointOf(const V1Annotation* annotation) {
  return annotation->has_endpoint ? &annotation->endpoint : nullptr;
}

bool HasSameServiceName(const V1Endpoint& left, const V1Endpoint& right) {
  return left.service_name == right.service_name;
}

class Converter {
 public:
  explicit Converter(const V1Span& source) : source_(source) {}

  Status Convert(SpanList& out) {
    first_ = NewRecord();
    ProcessAnnotations();
    ProcessBinaryAnnotations();
    CAIRN_RETURN_IF_ERROR(internal::NormalizeDecodedSpan(*first_));
    out.push_back(std::move(first_));
    for (SpanRecordPtr& span : spans_) {
      CAIRN_RETURN_IF_ERROR(internal::NormalizeDecodedSpan(*span));
      out.push_back(std::move(span));
    }
    return Status::Ok();
  }

 private:
  using SpanRecordPtr = trace::SpanRecordPtr;

  SpanRecordPtr NewRecord() {
    auto span = std::make_unique<SpanRecord>();
    span->trace_id = trace::TraceId{source_.trace_id_high, source_.trace_id};
    span->parent_id = source_.parent_id;
    span->id = source_.id;
    span->SetName(source_.name);
    span->debug = source_.debug;
    return span;
  }

  SpanRecord& NewSpan(const V1Endpoint& endpoint) {
    SpanRecordPtr span = NewRecord();
    span->SetLocalEndpoint(View(endpoint));
    SpanRecord& result = *span;
    spans_.push_back(std::move(span));
    if (!by_service_.empty()) {
      by_service_.emplace(result.local_endpoint.service_name, &result);
    } else if (spans_.size() > kLinearSearchLimit) {
      for (const SpanRecordPtr& s : spans_) {
        by_service_.emplace(s->local_endpoint.service_name, s.get());
      }
    }
    return result;
  }

  // closeEnoughEndpoint: claims a span without a local endpoint, else compares service names.
  static bool CloseEnough(SpanRecord& span, const V1Endpoint& endpoint) {
    if (span.local_endpoint.IsEmpty()) {
      span.SetLocalEndpoint(View(endpoint));
      return true;
    }
    return span.local_endpoint.service_name == endpoint.service_name;
  }

  SpanRecord& ForEndpoint(const V1Endpoint* endpoint) {
    if (endpoint == nullptr) return *first_;
    if (CloseEnough(*first_, *endpoint)) return *first_;
    if (by_service_.empty()) {
      for (SpanRecordPtr& span : spans_) {
        if (CloseEnough(*span, *endpoint)) return *span;
      }
    } else {
      // Spans other than the first always have a local endpoint, so CloseEnough only compares.
      auto it = by_service_.find(endpoint->service_name);
      if (it != by_service_.end()) return *it->second;
    }
    return NewSpan(*endpoint);
  }

  static void SetRemote(SpanRecord& span, const V1Endpoint& endpoint) {
    span.SetRemoteEndpoint(View(endpoint));
  }

  bool EndTimestampReflectsSpanDuration(const V1Annotation* end) const {
    return end != nullptr && source_.timestamp != 0 && source_.duration != 0 &&
           static_cast<std::uint64_t>(source_.timestamp) +
                   static_cast<std::uint64_t>(source_.duration) ==
               static_cast<std::uint64_t>(end->timestamp);
  }

  void MaybeTimestampDuration(const V1Annotation& begin, const V1Annotation* end) {
    SpanRecord& span = ForEndpoint(EndpointOf(&begin));
    if (source_.timestamp != 0 && source_.duration != 0) {
      span.timestamp_us = source_.timestamp;
      span.duration_us = source_.duration;
    } else {
      span.timestamp_us = begin.timestamp;
      if (end != nullptr) span.duration_us = WrappingSub(end->timestamp, begin.timestamp);
    }
  }

  void HandleIncompleteRpc(SpanRecord& next) {
    if (next.kind == SpanKind::kClient) {
      if (cs_ != nullptr) next.timestamp_us = cs_->timestamp;
      if (cr_ != nullptr) next.AddAnnotation(cr_->timestamp, cr_->value);
    } else if (next.kind == SpanKind::kServer) {
      if (sr_ != nullptr) next.timestamp_us = sr_->timestamp;
      if (ss_ != nullptr) next.AddAnnotation(ss_->timestamp, ss_->value);
    }
  }

  void HandleIncompleteRpc() {
    HandleIncompleteRpc(*first_);
    for (SpanRecordPtr& span : spans_) HandleIncompleteRpc(*span);
    if (source_.timestamp != 0) {
      first_->timestamp_us = source_.timestamp;
      first_->duration_us = source_.duration;
    }
  }

  void ProcessAnnotations() {
    for (const V1Annotation& a : source_.annotations) {
      SpanRecord& current = ForEndpoint(EndpointOf(&a));
      // Core annotations require an endpoint; without one they are plain annotations.
      if (a.value.size() == 2 && a.has_endpoint) {
        if (a.value == "cs") {
          current.kind = SpanKind::kClient;
          cs_ = &a;
        } else if (a.value == "sr") {
          current.kind = SpanKind::kServer;
          sr_ = &a;
        } else if (a.value == "ss") {
          current.kind = SpanKind::kServer;
          ss_ = &a;
        } else if (a.value == "cr") {
          current.kind = SpanKind::kClient;
          cr_ = &a;
        } else if (a.value == "ms") {
          current.kind = SpanKind::kProducer;
          ms_ = &a;
        } else if (a.value == "mr") {
          current.kind = SpanKind::kConsumer;
          mr_ = &a;
        } else if (a.value == "ws") {
          ws_ = &a;
        } else if (a.value == "wr") {
          wr_ = &a;
        } else {
          current.AddAnnotation(a.timestamp, a.value);
        }
      } else {
        current.AddAnnotation(a.timestamp, a.value);
      }
    }

    // When bridging between event and span model, a start annotation can be missing.
    if (cs_ == nullptr && EndTimestampReflectsSpanDuration(cr_)) {
      synthetic_cs_ = V1Annotation{source_.timestamp, "cs", cr_->has_endpoint, cr_->endpoint};
      cs_ = &synthetic_cs_;
    }
    if (sr_ == nullptr && EndTimestampReflectsSpanDuration(ss_)) {
      synthetic_sr_ = V1Annotation{source_.timestamp, "sr", ss_->has_endpoint, ss_->endpoint};
      sr_ = &synthetic_sr_;
    }

    if (cs_ != nullptr && sr_ != nullptr) {
      // In a shared span the client side owns the span's timestamp and duration.
      MaybeTimestampDuration(*cs_, cr_);
      SpanRecord& client = ForEndpoint(EndpointOf(cs_));
      SpanRecord* server;
      if (HasSameServiceName(cs_->endpoint, sr_->endpoint)) {  // loopback: two spans
        client.kind = SpanKind::kClient;
        server = &NewSpan(sr_->endpoint);
        server->kind = SpanKind::kServer;
      } else {
        server = &ForEndpoint(EndpointOf(sr_));
      }
      server->shared = true;
      server->timestamp_us = sr_->timestamp;
      if (ss_ != nullptr) server->duration_us = WrappingSub(ss_->timestamp, sr_->timestamp);
      if (cr_ == nullptr && source_.duration == 0) client.duration_us = 0;  // one-way
    } else if (cs_ != nullptr && cr_ != nullptr) {
      MaybeTimestampDuration(*cs_, cr_);
    } else if (sr_ != nullptr && ss_ != nullptr) {
      MaybeTimestampDuration(*sr_, ss_);
    } else {  // incomplete: revert special-casing
      HandleIncompleteRpc();
    }

    // v1 had no shared flag: an absent span timestamp implied it. Carry that over when only the
    // server side is here.
    if (cs_ == nullptr && sr_ != nullptr &&
        (source_.timestamp == 0 || (ss_ != nullptr && source_.duration == 0))) {
      ForEndpoint(EndpointOf(sr_)).shared = true;
    }

    if (ms_ != nullptr && mr_ != nullptr) {
      SpanRecord& producer = ForEndpoint(EndpointOf(ms_));
      SpanRecord* consumer;
      if (HasSameServiceName(ms_->endpoint, mr_->endpoint)) {
        producer.kind = SpanKind::kProducer;
        consumer = &NewSpan(mr_->endpoint);
        consumer->kind = SpanKind::kConsumer;
      } else {
        consumer = &ForEndpoint(EndpointOf(mr_));
      }
      consumer->shared = true;
      if (wr_ != nullptr) {
        consumer->timestamp_us = wr_->timestamp;
        consumer->duration_us = WrappingSub(mr_->timestamp, wr_->timestamp);
      } else {
        consumer->timestamp_us = mr_->timestamp;
      }
      producer.timestamp_us = ms_->timestamp;
      producer.duration_us = ws_ != nullptr ? WrappingSub(ws_->timestamp, ms_->timestamp) : 0;
    } else if (ms_ != nullptr) {
      MaybeTimestampDuration(*ms_, ws_);
    } else if (mr_ != nullptr) {
      if (wr_ != nullptr) {
        MaybeTimestampDuration(*wr_, mr_);
      } else {
        MaybeTimestampDuration(*mr_, nullptr);
      }
    } else {
      if (ws_ != nullptr) ForEndpoint(EndpointOf(ws_)).AddAnnotation(ws_->timestamp, ws_->value);
      if (wr_ != nullptr) ForEndpoint(EndpointOf(wr_)).AddAnnotation(wr_->timestamp, wr_->value);
    }
  }

  void ProcessBinaryAnnotations() {
    const V1Endpoint* ca = nullptr;
    const V1Endpoint* sa = nullptr;
    const V1Endpoint* ma = nullptr;
    for (const V1BinaryAnnotation& b : source_.binary_annotations) {
      const V1Endpoint* endpoint = b.has_endpoint ? &b.endpoint : nullptr;
      // Address annotations are recognised by key alone: some zipkin-ruby versions wrote "1".
      if (b.key == "ca") {
        ca = endpoint;
        continue;
      } else if (b.key == "sa") {
        sa = endpoint;
        continue;
      } else if (b.key == "ma") {
        ma = endpoint;
        continue;
      }
      SpanRecord& current = ForEndpoint(endpoint);
      if (b.key == "lc" && b.string_value.empty()) continue;  // marker, not a tag
      current.AppendTag(b.key, b.string_value);
    }

    bool no_core_annotations = cs_ == nullptr && cr_ == nullptr && ss_ == nullptr && sr_ == nullptr;
    if (no_core_annotations && (ca != nullptr || sa != nullptr)) {
      if (ca != nullptr && sa != nullptr) {
        SetRemote(ForEndpoint(ca), *sa);
      } else if (sa != nullptr) {
        SetRemote(ForEndpoint(nullptr), *sa);  // "sa" alone does not make a client span
      } else {
        SpanRecord& server = ForEndpoint(nullptr);
        server.kind = SpanKind::kServer;
        SetRemote(server, *ca);
      }
      return;
    }

    const V1Annotation* server = sr_ != nullptr ? sr_ : ss_;
    if (ca != nullptr && server != nullptr && !(*ca == server->endpoint)) {
      // Finagle adds "ca" on server spans for the client socket with the server's service name;
      // dropping the name avoids a loopback link.
      V1Endpoint remote = *ca;
      if (HasSameServiceName(*ca, server->endpoint)) remote.service_name = {};
      SetRemote(ForEndpoint(EndpointOf(server)), remote);
    }
    if (sa != nullptr) {  // client span
      if (cs_ != nullptr) {
        SetRemote(ForEndpoint(EndpointOf(cs_)), *sa);
      } else if (cr_ != nullptr) {
        SetRemote(ForEndpoint(EndpointOf(cr_)), *sa);
      }
    }
    if (ma != nullptr) {  // messaging: both sides get the broker
      if (ms_ != nullptr) SetRemote(ForEndpoint(EndpointOf(ms_)), *ma);
      if (mr_ != nullptr) SetRemote(ForEndpoint(EndpointOf(mr_)), *ma);
    }
  }

  const V1Span& source_;
  SpanRecordPtr first_;
  std::vector<SpanRecordPtr> spans_;
  std::unordered_map<std::string_view, SpanRecord*> by_service_;
  const V1Annotation* cs_ = nullptr;
  const V1Annotation* sr_ = nullptr;
  const V1Annotation* ss_ = nullptr;
  const V1Annotation* cr_ = nullptr;
  const V1Annotation* ms_ = nullptr;
  const V1Annotation* mr_ = nullptr;
  const V1Annotation* ws_ = nullptr;
  const V1Annotation* wr_ = nullptr;
  V1Annotation synthetic_cs_;
  V1Annotation synthetic_sr_;
};

}  // namespace

Status ConvertV1Span(const V1Span& source, SpanList& out) { return Converter(source).Convert(out); }

}  // namespace cairn::codec::internal
