// Propagation end to end through real sockets: a traced client calls a traced server that calls
// another traced server, every tracer reporting over HTTP to one RecordingCollector; and a
// coroutine server whose concurrent handlers each keep their own current span across co_await.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <map>
#include <mutex>
#include <thread>

#include "cairn/trace/current_span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_asio/asio_context.h"
#include "lib/trace_http/client_tracing.h"
#include "lib/trace_http/http_sender.h"
#include "lib/trace_http/server_tracing.h"
#include "lib/trace_http/testing_collector.h"
#include "lib/trace_http/testing_reporter.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::trace_http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using testing::Request;
using testing::RequestInfo;
using testing::Response;

// A synchronous traced call: client span around connect + write + read (5 s bound).
Response TracedGet(trace::Tracer& tracer, std::uint16_t port, std::string target,
                   std::string_view remote_service) {
  Request request{http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  trace::Span span = StartClientSpan(tracer, request, remote_service);
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  Response response;
  // Runs one asynchronous operation to completion.
  auto run = [&io](auto&& start) {
    boost::system::error_code result;
    start([&result](boost::system::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  };
  stream.expires_after(std::chrono::seconds(5));
  tcp::endpoint server(asio::ip::make_address_v4("127.0.0.1"), port);
  boost::system::error_code error = run([&](auto h) { stream.async_connect(server, h); });
  if (!error) {
    SetRemoteEndpoint(span, server);
    error = run([&](auto h) { http::async_write(stream, request, h); });
  }
  if (!error) error = run([&](auto h) { http::async_read(stream, buffer, response, h); });
  if (error) {
    FinishClientSpan(span, error);
    response.result(http::status::bad_gateway);
  } else {
    FinishClientSpan(span, response);
  }
  return response;
}

std::unique_ptr<trace::Tracer> NewTracer(std::string service,
                                         std::shared_ptr<trace::Reporter> reporter) {
  trace::TracerOptions options;
  options.service_name = std::move(service);
  options.reporter = std::move(reporter);
  auto tracer = trace::Tracer::Create(std::move(options));
  EXPECT_TRUE(tracer.ok()) << tracer.status().ToString();
  return tracer.ok() ? std::move(tracer).value() : nullptr;
}

std::string Str(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : "-";
}

std::string Tag(const json::object& span, std::string_view key) {
  const json::value* tags = span.if_contains("tags");
  return tags && tags->is_object() ? Str(tags->as_object(), key) : "-";
}

class ThreeTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(collector_.Start().ok());
    for (const char* service : {"gateway", "frontend", "backend"}) {
      trace::AsyncReporterOptions options;
      options.message_timeout = milliseconds(20);
      auto reporter = MakeHttpReporter(collector_.SpansUrl(), options);
      ASSERT_TRUE(reporter.ok()) << reporter.status().ToString();
      reporters_.push_back(*reporter);
      tracers_[service] = NewTracer(service, *reporter);
    }
    ASSERT_TRUE(backend_.Start().ok());
    ASSERT_TRUE(frontend_.Start().ok());
  }

  void TearDown() override {
    frontend_.Stop();
    backend_.Stop();
  }

  Response Backend(const Request& request, const RequestInfo& info) {
    auto guard = TraceServerRequest(*tracers_["backend"], request, "/prices/{id}", &info.remote);
    {
      std::lock_guard<std::mutex> lock(mu_);
      backend_headers_ = {std::string(request["X-B3-TraceId"]), std::string(request["X-B3-SpanId"]),
                          std::string(request["X-B3-ParentSpanId"]),
                          std::string(request["traceparent"])};
    }
    trace::Span compute = tracers_["backend"]->StartSpan("compute price");
    compute.Finish();
    Response response{
        request.target() == "/prices/0" ? http::status::service_unavailable : http::status::ok, 11};
    response.body() = "42";
    guard.Finish(response);
    return response;
  }

  Response Frontend(const Request& request, const RequestInfo& info) {
    auto guard = TraceServerRequest(*tracers_["frontend"], request, "/quotes/{id}", &info.remote);
    std::string id(request.target().substr(request.target().rfind('/') + 1));
    Response upstream =
        TracedGet(*tracers_["frontend"], backend_.port(), "/prices/" + id, "backend");
    Response response{
        upstream.result() == http::status::ok ? http::status::ok : http::status::bad_gateway, 11};
    response.body() = "quote " + upstream.body();
    guard.Finish(response);
    return response;
  }

  // Flushes every reporter and indexes the received spans by "<service> <kind|name>".
  std::map<std::string, json::object> CollectSpans() {
    for (auto& reporter : reporters_) EXPECT_TRUE(reporter->Flush(milliseconds(5000)).ok());
    std::map<std::string, json::object> spans;
    for (const auto& request : collector_.Requests()) {
      EXPECT_EQ(request.Header("b3"), "0");
      json::value batch = json::parse(request.body);
      for (const json::value& value : batch.as_array()) {
        const json::object& span = value.as_object();
        std::string service = Str(span.at("localEndpoint").as_object(), "serviceName");
        std::string kind = Str(span, "kind");
        spans[service + " " + (kind == "-" ? Str(span, "name") : kind)] = span;
      }
    }
    return spans;
  }

  testing::RecordingCollector collector_;
  std::vector<std::shared_ptr<trace::AsyncReporter>> reporters_;
  std::map<std::string, std::unique_ptr<trace::Tracer>> tracers_;
  testing::TestHttpServer backend_{
      [this](const Request& r, const RequestInfo& i) { return Backend(r, i); }};
  testing::TestHttpServer frontend_{
      [this](const Request& r, const RequestInfo& i) { return Frontend(r, i); }};
  std::mutex mu_;
  std::vector<std::string> backend_headers_;
};

TEST_F(ThreeTierTest, OneTraceAcrossThreeServices) {
  trace::Span root = tracers_["gateway"]->StartSpan("route request");
  Response response;
  {
    trace::Scope scope(root.context());
    response = TracedGet(*tracers_["gateway"], frontend_.port(), "/quotes/7?debug=0", "frontend");
  }
  root.Finish();
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response.body(), "quote 42");

  std::map<std::string, json::object> spans = CollectSpans();
  ASSERT_EQ(spans.size(), 6u) << "got " << [&] {
    std::string keys;
    for (const auto& [key, span] : spans) keys += key + ", ";
    return keys;
  }();
  const json::object& gateway_root = spans.at("gateway route request");
  const json::object& gateway_client = spans.at("gateway CLIENT");
  const json::object& frontend_server = spans.at("frontend SERVER");
  const json::object& frontend_client = spans.at("frontend CLIENT");
  const json::object& backend_server = spans.at("backend SERVER");
  const json::object& backend_compute = spans.at("backend compute price");

  const std::string trace_id = root.context().trace_id.ToHex();
  for (const auto& [key, span] : spans) EXPECT_EQ(Str(span, "traceId"), trace_id) << key;

  EXPECT_EQ(Str(gateway_client, "parentId"), Str(gateway_root, "id"));
  // The frontend joins the gateway's client span (shared span id), Brave/zipkin-go style.
  EXPECT_EQ(Str(frontend_server, "id"), Str(gateway_client, "id"));
  EXPECT_EQ(Str(frontend_server, "parentId"), Str(gateway_root, "id"));
  EXPECT_TRUE(frontend_server.at("shared").as_bool());
  EXPECT_EQ(Str(frontend_server, "name"), "get /quotes/{id}");
  EXPECT_EQ(Tag(frontend_server, "http.path"), "/quotes/7");
  EXPECT_EQ(Tag(frontend_server, "http.method"), "GET");
  EXPECT_EQ(Str(frontend_server.at("remoteEndpoint").as_object(), "ipv4"), "127.0.0.1");
  // The frontend's client span is a child of its server span: the server span was current.
  EXPECT_EQ(Str(frontend_client, "parentId"), Str(frontend_server, "id"));
  EXPECT_EQ(Str(frontend_client, "name"), "get");
  EXPECT_EQ(Tag(frontend_client, "http.path"), "/prices/7");
  const json::object& backend_endpoint = frontend_client.at("remoteEndpoint").as_object();
  EXPECT_EQ(Str(backend_endpoint, "serviceName"), "backend");
  EXPECT_EQ(backend_endpoint.at("port").as_int64(), backend_.port());

  EXPECT_EQ(Str(backend_server, "id"), Str(frontend_client, "id"));
  EXPECT_EQ(Str(backend_server, "parentId"), Str(frontend_server, "id"));
  EXPECT_EQ(Str(backend_server, "name"), "get /prices/{id}");
  EXPECT_EQ(Str(backend_compute, "parentId"), Str(backend_server, "id"));
  for (const auto& [key, span] : spans) EXPECT_EQ(Tag(span, "error"), "-") << key;

  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(backend_headers_.size(), 4u);
  EXPECT_EQ(backend_headers_[0], trace_id);
  EXPECT_EQ(backend_headers_[1], Str(frontend_client, "id"));
  EXPECT_EQ(backend_headers_[2], Str(frontend_server, "id"));
  EXPECT_EQ(backend_headers_[3], "00-" + trace_id + "-" + Str(frontend_client, "id") + "-01");
}

TEST_F(ThreeTierTest, UpstreamErrorsAreTaggedOnEveryHop) {
  Response response = TracedGet(*tracers_["gateway"], frontend_.port(), "/quotes/0", "frontend");
  EXPECT_EQ(response.result(), http::status::bad_gateway);
  std::map<std::string, json::object> spans = CollectSpans();
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_EQ(Tag(spans.at("backend SERVER"), "error"), "503");
  EXPECT_EQ(Tag(spans.at("backend SERVER"), "http.status_code"), "503");
  EXPECT_EQ(Tag(spans.at("frontend CLIENT"), "error"), "503");
  EXPECT_EQ(Tag(spans.at("frontend SERVER"), "error"), "502");
  EXPECT_EQ(Tag(spans.at("gateway CLIENT"), "error"), "502");
  EXPECT_EQ(Str(spans.at("gateway CLIENT"), "parentId"), "-");  // a new trace: no current span
}

// A coroutine server on one thread: two requests interleave across co_await and each handler's
// current span stays its own (trace_asio's per-task slot).
class CoroutineServer {
 public:
  explicit CoroutineServer(trace::Tracer& tracer) : tracer_(tracer) {
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0));
    acceptor_.listen();
    asio::co_spawn(io_, Accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CoroutineServer() {
    asio::post(io_, [this] { acceptor_.close(); });
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  // For each request: the server span id, and the parent of the span started after co_await.
  std::vector<std::pair<trace::SpanId, trace::SpanId>> results() {
    std::lock_guard<std::mutex> lock(mu_);
    return results_;
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      trace_asio::co_spawn_with_context(io_.get_executor(), Session(std::move(socket)),
                                        asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    auto executor = co_await asio::this_coro::executor;
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    Request request;
    auto [read_ec, n] =
        co_await http::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
    if (read_ec) co_return;
    tcp::endpoint peer = stream.socket().remote_endpoint(read_ec);
    Response response{http::status::ok, 11};
    {
      auto guard = TraceServerRequest(tracer_, request, "/wait/{ms}", &peer);
      asio::steady_timer timer(executor);
      timer.expires_after(milliseconds(std::stoi(std::string(request.target().substr(6)))));
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      trace::Span after = tracer_.StartSpan("after wait");
      {
        std::lock_guard<std::mutex> lock(mu_);
        results_.emplace_back(guard.context().span_id, after.context().parent_id);
      }
      after.Finish();
      guard.Finish(response);
    }
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
  }

  trace::Tracer& tracer_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::pair<trace::SpanId, trace::SpanId>> results_;
};

TEST(CoroutineServerTest, ConcurrentHandlersKeepTheirOwnServerSpanAcrossCoAwait) {
  auto reporter = std::make_shared<testing::RecordingReporter>();
  auto server_tracer = NewTracer("coroutine-server", reporter);
  auto client_tracer = NewTracer("client", std::make_shared<testing::RecordingReporter>());
  CoroutineServer server(*server_tracer);
  // The first handler resumes (at 200 ms) while the second one (from 50 ms to 450 ms) has its
  // server span in scope and is suspended: with one slot per thread the first handler's child
  // would get the second's span as parent.
  std::thread first([&] { TracedGet(*client_tracer, server.port(), "/wait/200", "server"); });
  std::this_thread::sleep_for(milliseconds(50));
  std::thread second([&] { TracedGet(*client_tracer, server.port(), "/wait/400", "server"); });
  first.join();
  second.join();
  auto results = server.results();
  ASSERT_EQ(results.size(), 2u);
  for (const auto& [server_span, parent_of_child] : results) {
    EXPECT_EQ(parent_of_child, server_span);
  }
  EXPECT_NE(results[0].first, results[1].first);
  EXPECT_EQ(reporter->Take().size(), 4u);  // two server spans, two children
}

}  // namespace
}  // namespace cairn::trace_http
