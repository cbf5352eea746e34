#include "lib/trace_http/server_tracing.h"

#include <boost/asio/ip/address.hpp>

#include "lib/trace_http/beast_headers.h"

namespace cairn::trace_http {

namespace http = boost::beast::http;

namespace {

std::string_view View(boost::beast::string_view text) { return {text.data(), text.size()}; }

// The first X-Forwarded-For entry when it is a valid address.
bool SetRemoteFromForwardedFor(trace::Span& span, const http::request_header<>& request) {
  auto it = request.find("x-forwarded-for");
  if (it == request.end()) return false;
  std::string_view value = View(it->value());
  value = value.substr(0, value.find(','));
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  boost::system::error_code ec;
  boost::asio::ip::address address = boost::asio::ip::make_address(value, ec);
  if (ec) return false;
  span.SetRemoteIpAndPort(address.to_string(), 0);
  return true;
}

}  // namespace

ServerSpanGuard::ServerSpanGuard(trace::Tracer& tracer, const http::request_header<>& request,
                                 const ServerTracingOptions& options)
    : method_(View(request.method_string())), http_options_(options.http) {
  BeastHeaderReader headers(request);
  trace::Extracted extracted = tracer.Extract(headers);
  span_ = tracer.StartSpanFromExtracted(HttpSpanName(method_, options.route),
                                        trace::SpanKind::kServer, extracted);
  if (span_.IsRecording()) {
    span_.Tag("http.method", method_);
    std::string_view path = PathOfTarget(View(request.target()));
    if (!path.empty()) span_.Tag("http.path", path);
    bool forwarded =
        options.http.trust_x_forwarded_for && SetRemoteFromForwardedFor(span_, request);
    if (!forwarded && options.remote != nullptr) SetRemoteEndpoint(span_, *options.remote);
  }
  if (options.scope && span_.context().IsValid()) scope_.emplace(span_.context());
}

ServerSpanGuard::~ServerSpanGuard() {
  if (!finished_) FinishWithError("no response");
  scope_.reset();
}

void ServerSpanGuard::SetRoute(std::string_view route) {
  if (finished_) return;
  route_unmatched_ = route.empty();
  if (!route.empty()) span_.SetName(HttpSpanName(method_, route));
}

void ServerSpanGuard::Finish(const http::response_header<>& response) {
  Finish(response.result_int());
}

void ServerSpanGuard::Finish(unsigned status) {
  if (finished_) return;
  TagResponseStatus(span_, status, http_options_);
  Complete(status);
}

void ServerSpanGuard::FinishWithError(std::string_view message, unsigned status) {
  if (finished_) return;
  span_.SetError(message);
  TagResponseStatus(span_, status, http_options_);
  Complete(status);
}

void ServerSpanGuard::Complete(unsigned status) {
  finished_ = true;
  if (route_unmatched_) span_.SetName(UnmatchedRouteSpanName(method_, status));
  span_.Finish();
}

}  // namespace cairn::trace_http
