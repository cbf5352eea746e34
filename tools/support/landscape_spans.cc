#include "tools/support/landscape_spans.h"

#include <chrono>
#include <memory>
#include <string>

namespace cairn::tools {

namespace {

using trace::EndpointView;
using trace::SpanKind;
using trace::SpanRecord;
using trace::SpanRecordPtr;

// Addresses of the simulated hosts: the landscape's services on their default ports.
const EndpointView kEdge{"edge-server", "10.0.1.10", "", 8765};
const EndpointView kAccount{"accountservice", "10.0.1.20", "", 6767};
const EndpointView kQuotes{"quotes-service", "10.0.1.30", "", 8080};
const EndpointView kImage{"imageservice", "10.0.1.40", "", 7777};
const EndpointView kVip{"vipservice", "10.0.1.50", "", 6868};
const EndpointView kBroker{"rabbitmq", "10.0.1.60", "", 5672};

std::uint64_t Mix64(std::uint64_t x) {
  // splitmix64's finaliser: a bijection on 64-bit values.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

SpanRecordPtr NewSpan(const trace::TraceId& trace_id, trace::SpanId parent, trace::SpanId id,
                      SpanKind kind, std::string_view name, std::int64_t timestamp_us,
                      std::int64_t duration_us, const EndpointView& local) {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = trace_id;
  span->parent_id = parent;
  span->id = id;
  span->kind = kind;
  span->SetName(name);
  span->timestamp_us = timestamp_us;
  span->duration_us = duration_us < 1 ? 1 : duration_us;
  span->SetLocalEndpoint(local);
  return span;
}

void HttpTags(SpanRecord& span, std::string_view path, int status) {
  span.SetTag("http.method", "GET");
  span.SetTag("http.path", path);
  span.SetTag("http.status_code", std::to_string(status));
}

}  // namespace

LandscapeSpanGenerator::LandscapeSpanGenerator(std::uint64_t seed, double quote_error_rate)
    : rng_(seed), quote_error_rate_(quote_error_rate) {}

trace::SpanId LandscapeSpanGenerator::NextSpanId() {
  trace::SpanId id = 0;
  while (id == 0) id = rng_();
  return id;
}

std::int64_t LandscapeSpanGenerator::Between(std::int64_t low, std::int64_t high) {
  return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
}

LandscapeTraceInfo LandscapeSpanGenerator::AppendTrace(const trace::TraceId& trace_id,
                                                       std::int64_t start_us,
                                                       std::vector<SpanRecordPtr>& out,
                                                       int account_id) {
  LandscapeTraceInfo info;
  info.account_id =
      account_id >= 0 ? account_id : kFirstAccount + static_cast<int>(Between(0, kAccounts - 1));
  info.quote_failed = std::uniform_real_distribution<double>(0, 1)(rng_) < quote_error_rate_;
  const std::size_t first = out.size();
  const std::string id_text = std::to_string(info.account_id);
  const std::string edge_path = "/api/accounts/" + id_text;
  const std::string account_path = "/accounts/" + id_text;
  const bool vip = info.account_id == kVipAccount;

  // The timeline inside accountservice, from the start of its server span.
  const std::int64_t query_start = Between(20, 60);
  const std::int64_t query_duration = Between(15, 60);
  std::int64_t cursor = query_start + query_duration + Between(10, 40);
  const std::int64_t produce_start = cursor;
  const std::int64_t produce_duration = vip ? Between(120, 400) : 0;
  if (vip) cursor += produce_duration + Between(5, 20);
  const std::int64_t quote_start = cursor;
  const std::int64_t quote_duration =
      info.quote_failed ? Between(1'000, 4'000) : Between(24'000, 38'000);
  cursor += quote_duration + Between(20, 80);
  const std::int64_t image_start = cursor;
  const std::int64_t image_duration = Between(700, 1'600);
  cursor += image_duration + Between(30, 120);
  const std::int64_t account_duration = cursor;

  const std::int64_t edge_client_start = start_us + Between(200, 600);
  const std::int64_t account_start = edge_client_start + Between(150, 400);
  const std::int64_t edge_client_duration =
      (account_start - edge_client_start) * 2 + account_duration;
  const std::int64_t edge_duration =
      edge_client_start - start_us + edge_client_duration + Between(100, 400);

  const trace::SpanId edge_server = NextSpanId();
  const trace::SpanId edge_client = NextSpanId();
  const trace::SpanId get_account = NextSpanId();

  SpanRecordPtr span = NewSpan(trace_id, 0, edge_server, SpanKind::kServer,
                               "get /api/accounts/{id}", start_us, edge_duration, kEdge);
  span->SetRemoteEndpoint(
      {"", "192.0.2.15", "", static_cast<std::uint16_t>(Between(30000, 60000))});
  HttpTags(*span, edge_path, 200);
  span->SetTag("http.route", "/api/accounts/{id}");
  out.push_back(std::move(span));

  span = NewSpan(trace_id, edge_server, edge_client, SpanKind::kClient, "get", edge_client_start,
                 edge_client_duration, kEdge);
  span->SetRemoteEndpoint(kAccount);
  HttpTags(*span, account_path, 200);
  out.push_back(std::move(span));

  span = NewSpan(trace_id, edge_client, get_account, SpanKind::kServer, "getaccount", account_start,
                 account_duration, kAccount);
  span->SetRemoteEndpoint({"", kEdge.ipv4, "", 0});
  HttpTags(*span, account_path, 200);
  out.push_back(std::move(span));

  span = NewSpan(trace_id, get_account, NextSpanId(), SpanKind::kUnspecified, "queryaccount",
                 account_start + query_start, query_duration, kAccount);
  span->SetTag("db.type", "lmdb");
  span->SetTag("account.id", id_text);
  out.push_back(std::move(span));

  if (vip) {
    const trace::SpanId producer = NextSpanId();
    span = NewSpan(trace_id, get_account, producer, SpanKind::kProducer, "send vip_queue",
                   account_start + produce_start, produce_duration, kAccount);
    span->SetRemoteEndpoint(kBroker);
    span->SetTag("messaging.destination", "vip_queue");
    span->AddAnnotation(account_start + produce_start + produce_duration - 5, "Sent VIP message");
    out.push_back(std::move(span));

    const std::int64_t consume_start =
        account_start + produce_start + produce_duration + Between(300, 1'500);
    span = NewSpan(trace_id, producer, NextSpanId(), SpanKind::kConsumer, "vipservice#onmessage",
                   consume_start, Between(10'000, 11'500), kVip);
    span->SetRemoteEndpoint(kBroker);
    span->SetTag("messaging.destination", "vip_queue");
    out.push_back(std::move(span));
  }

  const trace::SpanId quote_client = NextSpanId();
  const int quote_status = info.quote_failed ? 500 : 200;
  span = NewSpan(trace_id, get_account, quote_client, SpanKind::kClient, "getquote",
                 account_start + quote_start, quote_duration, kAccount);
  span->SetRemoteEndpoint(kQuotes);
  HttpTags(*span, "/api/quote", quote_status);
  if (info.quote_failed) span->SetTag("error", "500");
  out.push_back(std::move(span));

  const std::int64_t quote_server_start = account_start + quote_start + Between(150, 400);
  span = NewSpan(trace_id, quote_client, NextSpanId(), SpanKind::kServer, "getquote",
                 quote_server_start,
                 quote_duration - 2 * (quote_server_start - account_start - quote_start), kQuotes);
  span->SetRemoteEndpoint({"", kAccount.ipv4, "", 0});
  HttpTags(*span, "/api/quote", quote_status);
  span->SetTag("quote.strength", "4");
  if (info.quote_failed) span->SetTag("error", "bcrypt worker unavailable");
  out.push_back(std::move(span));

  const trace::SpanId image_client = NextSpanId();
  span = NewSpan(trace_id, get_account, image_client, SpanKind::kClient, "getimageurl",
                 account_start + image_start, image_duration, kAccount);
  span->SetRemoteEndpoint(kImage);
  HttpTags(*span, account_path, 200);
  out.push_back(std::move(span));

  const std::int64_t image_server_start = account_start + image_start + Between(150, 300);
  span = NewSpan(trace_id, image_client, NextSpanId(), SpanKind::kServer, "getaccountimage",
                 image_server_start, Between(15, 300), kImage);
  span->SetRemoteEndpoint({"", kAccount.ipv4, "", 0});
  HttpTags(*span, account_path, 200);
  out.push_back(std::move(span));

  info.spans = out.size() - first;
  return info;
}

TraceIdSource::TraceIdSource(std::uint64_t high, std::uint32_t stream)
    : high_(high == 0 ? 1 : high), base_(static_cast<std::uint64_t>(stream) << 40) {}

trace::TraceId TraceIdSource::Next() {
  while (true) {
    std::uint64_t low = Mix64(base_ + counter_++);
    if (low != 0) return trace::TraceId{high_, low};
  }
}

std::uint64_t TraceIdSource::RandomHigh() {
  std::random_device device;
  std::uint64_t high = 0;
  while (high == 0) high = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  return high;
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace cairn::tools
