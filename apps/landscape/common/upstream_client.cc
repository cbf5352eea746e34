#include "apps/landscape/common/upstream_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>

#include "lib/config/url.h"
#include "lib/trace_http/client_tracing.h"

namespace cairn::landscape {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string Millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

}  // namespace

std::string JoinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  std::string out(base);
  out += '/';
  out += path;
  return out;
}

UpstreamClient::UpstreamClient(trace::Tracer& tracer, UpstreamOptions options)
    : tracer_(tracer), options_(std::move(options)) {}

asio::awaitable<Result<net::Response>> UpstreamClient::Call(UpstreamRequest call) const {
  Result<config::Url> url = config::ParseUrl(call.url, {"http"});
  if (!url.ok()) {
    co_return InvalidArgument("upstream URL \"" + call.url + "\": " + url.status().message());
  }
  const std::string who =
      (call.remote_service.empty() ? std::string("upstream") : call.remote_service) + " at " +
      url->HostPort();

  net::Request req(call.method, url->target, 11);
  req.set(http::field::host, url->HostPort());
  req.set(http::field::user_agent, options_.user_agent);
  req.set(http::field::connection, "close");
  for (const auto& [name, value] : call.headers) req.set(name, value);
  if (!call.body.empty()) {
    req.body() = std::move(call.body);
    if (!call.content_type.empty()) req.set(http::field::content_type, call.content_type);
  }
  req.prepare_payload();

  trace_http::ClientSpanOptions span_options;
  span_options.name = call.span_name;
  span_options.remote_service_name = call.remote_service;
  trace::Span span = trace_http::StartClientSpan(tracer_, req, span_options);
  for (const auto& [key, value] : call.span_tags) span.Tag(key, value);
  auto fail = [&span](Status status) -> Result<net::Response> {
    span.SetError(status.message());
    span.Finish();
    return status;
  };

  auto executor = co_await asio::this_coro::executor;
  const auto connect_deadline = std::chrono::steady_clock::now() + options_.connect_timeout;

  // Resolve: IP literals directly, names through Asio's resolver bounded by a timer.
  std::vector<tcp::endpoint> endpoints;
  boost::system::error_code ec;
  const asio::ip::address literal = asio::ip::make_address(url->host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, url->port);
  } else {
    // Shared with the timer's handler, which may still be queued when this block ends.
    auto resolver = std::make_shared<tcp::resolver>(executor);
    auto timed_out = std::make_shared<bool>(false);
    asio::steady_timer timer(executor, options_.connect_timeout);
    timer.async_wait([resolver, timed_out](boost::system::error_code wait_ec) {
      if (!wait_ec) {
        *timed_out = true;
        resolver->cancel();
      }
    });
    auto [resolve_ec, results] =
        co_await resolver->async_resolve(url->host, std::to_string(url->port), kTuple);
    timer.cancel();
    if (resolve_ec && *timed_out) {
      co_return fail(
          DeadlineExceeded(who + ": name not resolved within " + Millis(options_.connect_timeout)));
    }
    if (resolve_ec) co_return fail(Unavailable(who + ": cannot resolve: " + resolve_ec.message()));
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }

  beast::tcp_stream stream(executor);
  stream.expires_at(connect_deadline);
  auto [connect_ec, connected] = co_await stream.async_connect(endpoints, kTuple);
  if (connect_ec == beast::error::timeout) {
    co_return fail(
        DeadlineExceeded(who + ": not connected within " + Millis(options_.connect_timeout)));
  }
  if (connect_ec) co_return fail(Unavailable(who + ": cannot connect: " + connect_ec.message()));
  trace_http::SetRemoteEndpoint(span, connected);

  stream.expires_after(options_.response_timeout);
  auto [write_ec, written] = co_await http::async_write(stream, req, kTuple);
  (void)written;
  if (write_ec == beast::error::timeout) {
    co_return fail(
        DeadlineExceeded(who + ": no response within " + Millis(options_.response_timeout)));
  }
  if (write_ec) co_return fail(Unavailable(who + ": request not sent: " + write_ec.message()));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options_.max_response_header_bytes));
  parser.body_limit(options_.max_response_body_bytes);
  parser.skip(call.method == http::verb::head);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  (void)read;
  if (read_ec == beast::error::timeout) {
    co_return fail(
        DeadlineExceeded(who + ": no response within " + Millis(options_.response_timeout)));
  }
  if (read_ec == http::error::body_limit) {
    co_return fail(Unavailable(who + ": response body larger than " +
                               std::to_string(options_.max_response_body_bytes) + " bytes"));
  }
  if (read_ec) co_return fail(Unavailable(who + ": bad or no response: " + read_ec.message()));

  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  net::Response res = parser.release();
  trace_http::HttpTracingOptions tags;
  tags.tag_all_status_codes = true;
  trace_http::FinishClientSpan(span, res, tags);
  co_return res;
}

}  // namespace cairn::landscape
