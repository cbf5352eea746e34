#include "tools/demo_traffic/landscape_sim.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "lib/trace_http/http_sender.h"
#include "tools/support/landscape_spans.h"

namespace cairn::tools {

namespace {

using trace::SpanKind;
using trace::SpanOptions;

// Headers of one simulated HTTP request or AMQP message: names compared case-insensitively.
class HeaderMap final : public trace::HeaderReader, public trace::HeaderWriter {
 public:
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override {
    std::size_t count = 0;
    for (const auto& [key, value] : headers_) {
      if (!EqualsIgnoreCase(key, name)) continue;
      if (count < max) values[count] = value;
      ++count;
    }
    return count;
  }
  void Set(std::string_view name, std::string_view value) override {
    for (auto& [key, existing] : headers_) {
      if (EqualsIgnoreCase(key, name)) {
        existing.assign(value);
        return;
      }
    }
    headers_.emplace_back(std::string(name), std::string(value));
  }

 private:
  static bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  }
  std::vector<std::pair<std::string, std::string>> headers_;
};

Result<std::unique_ptr<trace::Tracer>> MakeTracer(std::string_view service, std::uint16_t port,
                                                  std::shared_ptr<trace::Reporter> reporter) {
  trace::TracerOptions options;
  options.service_name = std::string(service);
  options.local_ipv4 = "127.0.0.1";
  options.local_port = port;
  options.reporter = std::move(reporter);
  options.supports_join = false;
  return trace::Tracer::Create(std::move(options));
}

void HttpTags(trace::Span& span, std::string_view path, int status) {
  span.Tag("http.method", "GET");
  span.Tag("http.path", path);
  span.Tag("http.status_code", static_cast<std::int64_t>(status));
}

}  // namespace

Result<std::unique_ptr<LandscapeSimulator>> LandscapeSimulator::Create(
    const std::string& collector_url, std::uint64_t seed) {
  trace::AsyncReporterOptions reporter_options;
  reporter_options.message_timeout = std::chrono::milliseconds(200);
  auto reporter = trace_http::MakeHttpReporter(collector_url, reporter_options);
  if (!reporter.ok()) return reporter.status();
  std::unique_ptr<LandscapeSimulator> sim(new LandscapeSimulator());
  sim->reporter_ = std::move(reporter).value();
  sim->rng_.seed(seed);
  struct Service {
    std::string_view name;
    std::uint16_t port;
    std::unique_ptr<trace::Tracer>* tracer;
  };
  const Service services[] = {{"edge-server", 8765, &sim->edge_},
                              {"accountservice", 6767, &sim->account_},
                              {"quotes-service", 8080, &sim->quotes_},
                              {"imageservice", 7777, &sim->image_},
                              {"vipservice", 6868, &sim->vip_}};
  for (const Service& service : services) {
    auto tracer = MakeTracer(service.name, service.port, sim->reporter_);
    if (!tracer.ok()) return tracer.status();
    *service.tracer = std::move(tracer).value();
  }
  return sim;
}

LandscapeSimulator::~LandscapeSimulator() {
  if (reporter_) reporter_->Close();
}

std::int64_t LandscapeSimulator::Between(std::int64_t low, std::int64_t high) {
  return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
}

SimulatedRequest LandscapeSimulator::RandomRequest() {
  int account = LandscapeSpanGenerator::kFirstAccount +
                static_cast<int>(Between(0, LandscapeSpanGenerator::kAccounts - 1));
  return Request(account, Between(0, 99) < 3);
}

SimulatedRequest LandscapeSimulator::Request(int account_id, bool quote_fails) {
  SimulatedRequest result;
  result.account_id = account_id;
  result.quote_failed = quote_fails;
  const std::string id = std::to_string(account_id);
  const bool vip = account_id == LandscapeSpanGenerator::kVipAccount;

  // Durations first (microseconds), so the request can end "now".
  const std::int64_t edge_before = Between(200, 600), hop = Between(150, 400);
  const std::int64_t query = Between(15, 60), produce = vip ? Between(120, 400) : 0;
  const std::int64_t quote = quote_fails ? Between(1'000, 4'000) : Between(24'000, 38'000);
  const std::int64_t image = Between(700, 1'600);
  const std::int64_t account_total =
      40 + query + 30 + (vip ? produce + 10 : 0) + quote + 50 + image + 60;
  const std::int64_t edge_client_total = 2 * hop + account_total;
  const std::int64_t edge_total = edge_before + edge_client_total + Between(100, 400);
  const std::int64_t t0 = NowMicros() - edge_total;

  HeaderMap inbound;  // the browser's request: no trace context
  trace::Span edge_server = edge_->StartSpanFromExtracted(
      "GET /api/accounts/{id}", SpanKind::kServer, edge_->Extract(inbound), t0);
  edge_server.SetRemoteIpAndPort("127.0.0.1", static_cast<std::uint16_t>(Between(40000, 60000)));
  HttpTags(edge_server, "/api/accounts/" + id, 200);
  edge_server.Tag("http.route", "/api/accounts/{id}");

  const std::int64_t edge_client_start = t0 + edge_before;
  trace::Span edge_client = edge_->StartSpan(
      "GET", SpanOptions{SpanKind::kClient, &edge_server.context(), false, edge_client_start});
  edge_client.SetRemoteServiceName("accountservice").SetRemoteIpAndPort("127.0.0.1", 6767);
  HttpTags(edge_client, "/accounts/" + id, 200);
  HeaderMap to_account;
  edge_->Inject(edge_client.context(), SpanKind::kClient, to_account);

  const std::int64_t a0 = edge_client_start + hop;
  trace::Span get_account = account_->StartSpanFromExtracted("GetAccount", SpanKind::kServer,
                                                             account_->Extract(to_account), a0);
  get_account.SetRemoteIpAndPort("127.0.0.1", static_cast<std::uint16_t>(Between(40000, 60000)));
  HttpTags(get_account, "/accounts/" + id, 200);
  const SpanOptions child{SpanKind::kUnspecified, &get_account.context(), false, 0};

  std::int64_t cursor = a0 + 40;
  SpanOptions local = child;
  local.start_timestamp_us = cursor;
  trace::Span query_span = account_->StartSpan("QueryAccount", local);
  query_span.Tag("db.type", "lmdb").Tag("account.id", id);
  query_span.Finish(cursor + query);
  cursor += query + 30;
  int spans = 4;

  if (vip) {
    SpanOptions producer_options = child;
    producer_options.kind = SpanKind::kProducer;
    producer_options.start_timestamp_us = cursor;
    trace::Span producer = account_->StartSpan("send vip_queue", producer_options);
    producer.SetRemoteServiceName("rabbitmq").SetRemoteIpAndPort("127.0.0.1", 5672);
    producer.Tag("messaging.destination", "vip_queue");
    HeaderMap message_headers;
    account_->Inject(producer.context(), SpanKind::kProducer, message_headers);
    producer.Annotate(cursor + produce - 5, "Sent VIP message");
    producer.Finish(cursor + produce);

    const std::int64_t consume_start = cursor + produce + Between(300, 1'500);
    trace::Span consumer = vip_->StartSpanFromExtracted(
        "vipservice#onMessage", SpanKind::kConsumer, vip_->Extract(message_headers), consume_start);
    consumer.SetRemoteServiceName("rabbitmq").SetRemoteIpAndPort("127.0.0.1", 5672);
    consumer.Tag("messaging.destination", "vip_queue");
    consumer.Finish(consume_start + Between(10'000, 11'500));
    cursor += produce + 10;
    spans += 2;
  }

  const int quote_status = quote_fails ? 500 : 200;
  SpanOptions quote_options = child;
  quote_options.kind = SpanKind::kClient;
  quote_options.start_timestamp_us = cursor;
  trace::Span quote_client = account_->StartSpan("getQuote", quote_options);
  quote_client.SetRemoteServiceName("quotes-service").SetRemoteIpAndPort("127.0.0.1", 8080);
  HttpTags(quote_client, "/api/quote", quote_status);
  quote_client.Annotate(cursor, "Client send");
  HeaderMap to_quotes;
  account_->Inject(quote_client.context(), SpanKind::kClient, to_quotes);
  const std::int64_t quote_server_start = cursor + Between(100, 300);
  const std::int64_t quote_server_end = cursor + quote - (quote_server_start - cursor);
  trace::Span quote_server = quotes_->StartSpanFromExtracted(
      "getQuote", SpanKind::kServer, quotes_->Extract(to_quotes), quote_server_start);
  HttpTags(quote_server, "/api/quote", quote_status);
  quote_server.Tag("quote.strength", "4");
  if (quote_fails) {
    quote_server.SetError("bcrypt worker unavailable");
    quote_client.SetError("500");
  }
  quote_server.Finish(quote_server_end);
  quote_client.Annotate(cursor + quote, "Client Receive");
  quote_client.Finish(cursor + quote);
  cursor += quote + 50;

  SpanOptions image_options = child;
  image_options.kind = SpanKind::kClient;
  image_options.start_timestamp_us = cursor;
  trace::Span image_client = account_->StartSpan("getImageUrl", image_options);
  image_client.SetRemoteServiceName("imageservice").SetRemoteIpAndPort("127.0.0.1", 7777);
  HttpTags(image_client, "/accounts/" + id, 200);
  HeaderMap to_image;
  account_->Inject(image_client.context(), SpanKind::kClient, to_image);
  const std::int64_t image_server_start = cursor + Between(150, 300);
  trace::Span image_server = image_->StartSpanFromExtracted(
      "GetAccountImage", SpanKind::kServer, image_->Extract(to_image), image_server_start);
  HttpTags(image_server, "/accounts/" + id, 200);
  image_server.Finish(image_server_start + Between(15, 300));
  image_client.Finish(cursor + image);
  spans += 4;

  get_account.Finish(a0 + account_total);
  edge_client.Finish(edge_client_start + edge_client_total);
  result.trace_id = edge_server.context().trace_id.ToHex();
  edge_server.Finish(t0 + edge_total);
  result.spans = spans;
  return result;
}

Status LandscapeSimulator::Flush(std::chrono::milliseconds timeout) {
  return reporter_->Flush(timeout);
}

const trace::ReporterMetrics& LandscapeSimulator::reporter_metrics() const {
  return reporter_->metrics();
}

}  // namespace cairn::tools
