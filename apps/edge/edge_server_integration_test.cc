// cairn-edge in-process: limits against hostile clients, TLS, reload under load, graceful drain.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "apps/edge/edge_test_util.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::edge {
namespace {

using net::testing::TestClient;
using trace_http::testing::RequestInfo;
using trace_http::testing::TestHttpServer;
using UpRequest = trace_http::testing::Request;
using UpResponse = trace_http::testing::Response;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

UpResponse Named(std::string name) {
  UpResponse res{http::status::ok, 11};
  res.body() = std::move(name);
  res.prepare_payload();
  return res;
}

bool Has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

class EdgeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    up_ = std::make_unique<TestHttpServer>([](const UpRequest& req, const RequestInfo&) {
      return Named("a:" + std::string(req.target()));
    });
    ASSERT_TRUE(up_->Start().ok());
  }

  std::string Routes(const TestHttpServer& up) {
    return "routes:\n  r:\n    path: /**\n    url: " + up.BaseUrl() + "\n";
  }

  void StartEdge(const std::string& yaml) {
    Result<EdgeConfig> config = testing::ConfigFromYaml(dir_, yaml);
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto server = EdgeServer::Create(std::move(config).value());
    ASSERT_TRUE(server.ok()) << server.status().message();
    edge_ = std::move(server).value();
    ASSERT_TRUE(edge_->Start().ok());
  }

  // Sends raw bytes and returns everything the edge answers before closing (or `within`).
  std::string Raw(std::string_view bytes, bool& closed, std::chrono::milliseconds within = 2s) {
    TestClient client(edge_->http_port());
    client.WriteRaw(bytes);
    return client.ReadUntilClose(closed, within);
  }

  testing::TempDir dir_;
  std::unique_ptr<TestHttpServer> up_;
  std::unique_ptr<EdgeServer> edge_;
};

TEST_F(EdgeServerTest, MalformedAndOversizedRequestsAreRefused) {
  StartEdge(testing::PlainEdgeYaml(
      "limits: {max-header-bytes: 2KB, max-headers: 20, max-body-bytes: 1KB}\n" + Routes(*up_)));
  bool closed = false;
  std::string out = Raw("GARBAGE\r\n\r\n", closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;
  EXPECT_TRUE(closed);
  out = Raw("GET / HTTP/1.1\r\n\r\n", closed);  // no Host
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;
  out = Raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(3000, 'a') + "\r\n\r\n", closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431 ")) << out;
  EXPECT_TRUE(closed);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 25; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  out = Raw(many + "\r\n", closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 431 ")) << out;
  EXPECT_TRUE(Has(out, "more than 20 header fields")) << out;
  out = Raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 ")) << out;
  EXPECT_TRUE(closed);
  out = Raw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                std::string(0x800, 'b') + "\r\n0\r\n\r\n",
            closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 ")) << out;
  out = Raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;
  out = Raw("GET /a/%2e%2e/b HTTP/1.1\r\nHost: x\r\n\r\n", closed, 300ms);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 ")) << out;
  // After all that the edge still serves, and counted what it refused.
  TestClient client(edge_->http_port());
  EXPECT_EQ(client.Get("/ok").body(), "a:/ok");
  const std::string metrics = client.Get("/metrics").body();
  EXPECT_TRUE(Has(metrics, "cairn_edge_rejected_requests_total{reason=\"malformed\"} 3"))
      << metrics;
  EXPECT_TRUE(Has(metrics, "cairn_edge_rejected_requests_total{reason=\"header_too_large\"} 1"));
  EXPECT_TRUE(Has(metrics, "cairn_edge_rejected_requests_total{reason=\"too_many_headers\"} 1"));
  EXPECT_TRUE(Has(metrics, "cairn_edge_rejected_requests_total{reason=\"body_too_large\"} 2"));
  EXPECT_TRUE(Has(metrics, "cairn_edge_rejected_requests_total{reason=\"bad_path\"} 1"));
}

TEST_F(EdgeServerTest, SlowClientsAreDisconnected) {
  StartEdge(testing::PlainEdgeYaml("limits: {header-timeout: 200ms, body-timeout: 200ms}\n" +
                                   Routes(*up_)));
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  std::string out = Raw("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", closed);  // never finished
  EXPECT_TRUE(closed);
  EXPECT_EQ(out, "");  // slowloris gets no answer
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  out = Raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", closed);
  EXPECT_TRUE(closed);
  TestClient client(edge_->http_port());
  EXPECT_TRUE(Has(client.Get("/metrics").body(),
                  "cairn_edge_rejected_requests_total{reason=\"body_timeout\"} 1"));
}

TEST_F(EdgeServerTest, ConnectionLimitAnswers503) {
  StartEdge(testing::PlainEdgeYaml("workers: 1\nlimits: {max-connections: 2}\n" + Routes(*up_)));
  TestClient a(edge_->http_port());
  TestClient b(edge_->http_port());
  EXPECT_EQ(a.Get("/1").result_int(), 200u);
  EXPECT_EQ(b.Get("/2").result_int(), 200u);
  bool closed = false;
  std::string out = Raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n", closed);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 503 ")) << out;
}

TEST_F(EdgeServerTest, ServesTls12And13AndRefusesTls11) {
  const std::string cert = dir_.File("edge.crt");
  const std::string key = dir_.File("edge.key");
  ASSERT_TRUE(testing::MakeSelfSignedCert(cert, key));
  StartEdge("https: {address: 127.0.0.1, port: 0}\ntls: {cert-file: " + cert +
            ", key-file: " + key + "}\naccess-log: ''\n" + Routes(*up_));
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    testing::TlsClient client(edge_->https_port(), version, version);
    ASSERT_FALSE(client.error()) << client.error().message();
    boost::system::error_code ec;
    auto res = client.Get("/secure", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.body(), "a:/secure");
    EXPECT_EQ(client.protocol(), version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2");
  }
  testing::TlsClient old(edge_->https_port(), TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_TRUE(old.error());
  // Plain HTTP sent to the TLS port is a failed handshake, not a crash.
  TestClient plain(edge_->https_port(), 1s);
  boost::beast::error_code ec;
  plain.Get("/", &ec);
  EXPECT_TRUE(ec);
  testing::TlsClient again(edge_->https_port(), TLS1_2_VERSION, TLS1_3_VERSION);
  ASSERT_FALSE(again.error());
  auto res = again.Get("/metrics", ec);
  EXPECT_TRUE(Has(res.body(), "cairn_edge_tls_handshake_failures_total 2")) << res.body();
}

TEST_F(EdgeServerTest, RefusesBadCertificates) {
  const std::string cert = dir_.File("edge.crt");
  const std::string key = dir_.File("edge.key");
  ASSERT_TRUE(testing::MakeSelfSignedCert(cert, key));
  const std::string other_cert = dir_.File("other.crt");
  const std::string other_key = dir_.File("other.key");
  ASSERT_TRUE(testing::MakeSelfSignedCert(other_cert, other_key));
  auto load = [&](const std::string& c, const std::string& k) {
    return testing::ConfigFromYaml(dir_, "https: {port: 0}\ntls: {cert-file: " + c +
                                             ", key-file: " + k + "}\n" + Routes(*up_));
  };
  auto mismatched = load(cert, other_key);
  ASSERT_TRUE(mismatched.ok());
  auto server = EdgeServer::Create(std::move(mismatched).value());
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(Has(server.status().message(), "does not match")) << server.status().message();
  auto missing = load(dir_.File("nope.crt"), key);
  ASSERT_TRUE(missing.ok());
  server = EdgeServer::Create(std::move(missing).value());
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(Has(server.status().message(), "cannot be read")) << server.status().message();
  auto not_pem = load(key, key);
  server = EdgeServer::Create(std::move(not_pem).value());
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(Has(server.status().message(), "no usable PEM certificate"));
}

TEST_F(EdgeServerTest, ReloadUnderLoadDropsNothing) {
  TestHttpServer b([](const UpRequest& req, const RequestInfo&) {
    return Named("b:" + std::string(req.target()));
  });
  ASSERT_TRUE(b.Start().ok());
  StartEdge(testing::PlainEdgeYaml(Routes(*up_)));
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0}, from_b{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      TestClient client(edge_->http_port());
      while (!stop) {
        net::Response res = client.Get("/x");
        if (res.result_int() != 200) {
          ++failed;
          continue;
        }
        ++ok;
        if (res.body() == "b:/x") ++from_b;
      }
    });
  }
  std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 5; ++i) {
    auto config =
        testing::ConfigFromYaml(dir_, testing::PlainEdgeYaml(Routes(i % 2 == 0 ? b : *up_)));
    ASSERT_TRUE(config.ok());
    ASSERT_TRUE(edge_->Reload(std::move(config).value()).ok());
    std::this_thread::sleep_for(50ms);
  }
  auto last = testing::ConfigFromYaml(dir_, testing::PlainEdgeYaml(Routes(b)));
  ASSERT_TRUE(edge_->Reload(std::move(last).value()).ok());
  std::this_thread::sleep_for(100ms);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 50);
  EXPECT_GT(from_b.load(), 0);
  TestClient client(edge_->http_port());
  EXPECT_EQ(client.Get("/y").body(), "b:/y");
  // A bad configuration is refused and the running one stays.
  EdgeConfig broken = edge_->snapshot()->config;
  broken.routes[0].service = "missing";
  EXPECT_FALSE(edge_->Reload(std::move(broken)).ok());
  EXPECT_EQ(client.Get("/z").body(), "b:/z");
  EXPECT_TRUE(
      Has(client.Get("/metrics").body(), "cairn_edge_config_reloads_total{result=\"failure\"} 1"));
}

TEST_F(EdgeServerTest, StopDrainsRequestsInFlight) {
  TestHttpServer slow([](const UpRequest&, const RequestInfo&) { return Named("slow"); });
  slow.set_response_delay(300ms);
  ASSERT_TRUE(slow.Start().ok());
  StartEdge(testing::PlainEdgeYaml("limits: {drain-timeout: 5s}\n" + Routes(slow)));
  auto in_flight = std::async(std::launch::async, [&] {
    TestClient c(edge_->http_port());
    return c.Get("/x");
  });
  std::this_thread::sleep_for(100ms);
  const std::uint16_t port = edge_->http_port();
  edge_->Stop();
  net::Response res = in_flight.get();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "slow");
  EXPECT_FALSE(res.keep_alive());
  TestClient late(port, 500ms);
  EXPECT_TRUE(late.connect_error());  // no longer listening
}

TEST_F(EdgeServerTest, ConfigFileErrorsAreReportedWithTheKey) {
  auto bad = testing::ConfigFromYaml(dir_, "limits: {max-body-bytes: lots}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Has(bad.status().message(), "limits.max-body-bytes")) << bad.status().message();
  auto no_cert = testing::ConfigFromYaml(dir_, "https: {port: 0}\n");
  ASSERT_FALSE(no_cert.ok());
  EXPECT_TRUE(Has(no_cert.status().message(), "tls.cert-file")) << no_cert.status().message();
  auto unresolvable = testing::ConfigFromYaml(
      dir_, testing::PlainEdgeYaml(
                "routes:\n  r:\n    path: /x\n    url: http://no-such-host.invalid:1/\n"));
  ASSERT_FALSE(unresolvable.ok());
  EXPECT_TRUE(Has(unresolvable.status().message(), "cannot resolve 'no-such-host.invalid'"));
}

}  // namespace
}  // namespace cairn::edge
