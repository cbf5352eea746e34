// Route matching and rewriting, and the routes/services sections of the YAML file.
#include "apps/edge/route_table.h"

#include <gtest/gtest.h>

#include "apps/edge/config_loader.h"

namespace cairn::edge {
namespace {

struct Built {
  EdgeConfig config;
  EdgeMetrics metrics;
  std::vector<std::unique_ptr<Service>> services;
  std::unique_ptr<RouteTable> table;
};

std::unique_ptr<Built> Build(std::string_view yaml, std::string prefix = "/api",
                             bool strip = true) {
  auto b = std::make_unique<Built>();
  b->config.prefix = std::move(prefix);
  b->config.strip_prefix = strip;
  Status parsed = ParseRoutesYaml(yaml, "test.yaml", b->config);
  EXPECT_TRUE(parsed.ok()) << parsed.message();
  for (const ServiceConfig& s : b->config.services) {
    b->services.push_back(std::make_unique<Service>(s, b->metrics.Service(s.name)));
  }
  auto table = RouteTable::Build(b->config, b->services, b->metrics);
  EXPECT_TRUE(table.ok()) << table.status().message();
  if (table.ok()) b->table = std::move(table).value();
  return b;
}

std::string Target(const Route& r, std::string_view path, std::string_view query = "") {
  std::string out;
  RouteTable::UpstreamTarget(r, path, query, out);
  return out;
}

constexpr std::string_view kLandscape = R"(
routes:
  accountservice:
    path: /accounts/{id}
    url: http://127.0.0.1:6767/accounts
  accountservice-all:
    path: /accounts/**
    service: accountservice
  quotes:
    path: /quotes/**
    strip-prefix: false
    instances: [http://127.0.0.1:8080, http://127.0.0.2:8080/]
    lb: least-request
  everything:
    path: /**
    url: http://127.0.0.1:9000/
)";

TEST(RouteTableTest, FirstMatchInFileOrder) {
  auto b = Build(kLandscape);
  ASSERT_TRUE(b->table);
  auto id = [&](std::string_view method, std::string_view path) -> std::string {
    const Route* r = b->table->Match(method, path);
    return r == nullptr ? "none" : r->config->id;
  };
  EXPECT_EQ(id("GET", "/api/accounts/10000"), "accountservice");
  EXPECT_EQ(id("GET", "/api/accounts/10000/x"), "accountservice-all");
  EXPECT_EQ(id("GET", "/api/accounts"), "accountservice-all");
  EXPECT_EQ(id("GET", "/api/quotes/1"), "quotes");
  EXPECT_EQ(id("GET", "/api/anything"), "everything");
  EXPECT_EQ(id("GET", "/elsewhere"), "none");  // outside the prefix
  EXPECT_EQ(id("GET", "/apix/accounts/1"), "none");
}

TEST(RouteTableTest, StripsGlobalPrefixAndRouteLiteralPart) {
  auto b = Build(kLandscape);
  ASSERT_TRUE(b->table);
  const Route* acc = b->table->Match("GET", "/api/accounts/10000");
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(Target(*acc, "/api/accounts/10000", "?a=1"), "/accounts/10000?a=1");
  EXPECT_EQ(RouteTable::StrippedPrefix(*acc, "/api/accounts/10000"), "/api/accounts");
  EXPECT_EQ(acc->template_text, " /api/accounts/{id}");
  const Route* all = b->table->Match("GET", "/api/accounts");
  ASSERT_NE(all, nullptr);
  EXPECT_EQ(Target(*all, "/api/accounts"), "/accounts");
  EXPECT_EQ(Target(*all, "/api/accounts/"), "/accounts/");
  EXPECT_EQ(Target(*all, "/api/accounts/1/image"), "/accounts/1/image");
  // strip-prefix false keeps the route's literal part; the instances have no path.
  const Route* quotes = b->table->Match("GET", "/api/quotes/7");
  ASSERT_NE(quotes, nullptr);
  EXPECT_EQ(Target(*quotes, "/api/quotes/7"), "/quotes/7");
  EXPECT_EQ(RouteTable::StrippedPrefix(*quotes, "/api/quotes/7"), "/api");
  const Route* every = b->table->Match("GET", "/api/");
  ASSERT_NE(every, nullptr);
  EXPECT_EQ(Target(*every, "/api/"), "/");
  EXPECT_EQ(Target(*every, "/api"), "/");
  EXPECT_EQ(Target(*every, "/api/x/y"), "/x/y");
}

TEST(RouteTableTest, GlobalPrefixKept) {
  auto b = Build(kLandscape, "/api", /*strip=*/false);
  ASSERT_TRUE(b->table);
  const Route* acc = b->table->Match("GET", "/api/accounts/5");
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(Target(*acc, "/api/accounts/5"), "/accounts/api/5");
  EXPECT_EQ(RouteTable::StrippedPrefix(*acc, "/api/accounts/5"), "/accounts");
}

TEST(RouteTableTest, MethodListsNarrowARoute) {
  auto b = Build(R"(
routes:
  reads:
    path: /x/**
    methods: [GET, HEAD]
    url: http://127.0.0.1:1/
  writes:
    path: /x/**
    url: http://127.0.0.1:2/
)",
                 "");
  ASSERT_TRUE(b->table);
  EXPECT_EQ(b->table->Match("GET", "/x/1")->config->id, "reads");
  EXPECT_EQ(b->table->Match("POST", "/x/1")->config->id, "writes");
}

TEST(RouteTableTest, ParsesRoutePolicies) {
  auto b = Build(R"(
routes:
  r:
    path: /r/**
    url: http://127.0.0.1:7000/base
    response-timeout: 3s
    preserve-host: true
    sensitive-headers: []
    retry: {retries: 3, on: [reset, 502, 503], per-try-timeout: 500ms, backoff-base: 10ms, backoff-max: 80ms}
    connect-timeout: 250ms
    circuit-breaker: {max-connections: 7, max-pending-requests: 3, max-requests: 9}
    outlier-detection: {consecutive-failures: 2, ejection-time: 1s, max-ejection-percent: 100}
    health-check: {path: /ping, interval: 200ms, timeout: 100ms}
)",
                 "");
  ASSERT_EQ(b->config.routes.size(), 1u);
  const RouteConfig& r = b->config.routes[0];
  EXPECT_EQ(r.response_timeout, std::chrono::seconds(3));
  EXPECT_TRUE(r.preserve_host);
  EXPECT_TRUE(r.sensitive_headers.empty());
  EXPECT_EQ(r.retry.retries, 3);
  EXPECT_FALSE(r.retry.on_connect_failure);
  EXPECT_TRUE(r.retry.on_reset);
  EXPECT_EQ(r.retry.on_statuses, (std::vector<unsigned>{502, 503}));
  EXPECT_EQ(r.retry.per_try_timeout, std::chrono::milliseconds(500));
  const ServiceConfig& s = b->config.services[0];
  EXPECT_EQ(s.base_path, "/base");
  EXPECT_EQ(s.connect_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(s.circuit_breaker.max_connections, 7u);
  EXPECT_EQ(s.circuit_breaker.max_pending_requests, 3u);
  EXPECT_EQ(s.circuit_breaker.max_requests, 9u);
  EXPECT_EQ(s.outlier.consecutive_failures, 2);
  EXPECT_TRUE(s.health_check.enabled);
  EXPECT_EQ(s.health_check.path, "/ping");
}

TEST(RouteTableTest, ConfigErrorsNameTheKey) {
  struct Case {
    std::string_view yaml;
    std::string_view expected;
  };
  const Case cases[] = {
      {"routes:\n  a:\n    url: http://127.0.0.1:1/\n",
       "routes.a.path (in test.yaml): is required"},
      {"routes:\n  a:\n    path: /a\n", "routes.a (in test.yaml): give exactly one of"},
      {"routes:\n  a:\n    path: /a\n    url: http://x:1/\n    service: s\n",
       "give exactly one of"},
      {"routes:\n  a:\n    path: /a/**x\n    url: http://127.0.0.1:1/\n", "routes.a.path"},
      {"routes:\n  a:\n    path: /a\n    url: https://127.0.0.1:1/\n", "plain http"},
      {"routes:\n  a:\n    path: /a\n    url: ftp://127.0.0.1:1/\n", "routes.a.url"},
      {"routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/?q\n", "query is not allowed"},
      {"routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/\n    retries: 3\n",
       "routes.a.retries (in test.yaml): unknown key"},
      {"routes:\n  a:\n    path: /a\n    service: nope\n", "no service is called 'nope'"},
      {"routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/\n    response-timeout: soon\n",
       "routes.a.response-timeout (in test.yaml): \"soon\""},
      {"routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/\n    retry: {on: [500, "
       "teapot]}\n",
       "expected connect-failure, reset or a 5xx status"},
      {"routes:\n  a:\n    path: /a\n    instances: [http://127.0.0.1:1/x, http://127.0.0.1:2/y]\n",
       "every instance must have the same path"},
      {"routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/\n    lb: random\n",
       "expected round-robin or least-request"},
      {"routes: [a, b]\n", "expected a map of route ids"},
      {"routes:\n  a: [x]\n", "routes.a (in test.yaml): expected a map of keys"},
      {"routes: {a: {path: /a, url: 'http://127.0.0.1:1/'}\n", "not valid YAML"},
  };
  for (const Case& c : cases) {
    EdgeConfig config;
    Status s = ParseRoutesYaml(c.yaml, "test.yaml", config);
    ASSERT_FALSE(s.ok()) << c.yaml;
    EXPECT_NE(s.message().find(c.expected), std::string::npos)
        << "yaml:\n"
        << c.yaml << "message: " << s.message();
  }
}

TEST(RouteTableTest, DotSegmentsAreDetectedInEveryEncoding) {
  for (std::string_view p :
       {"/a/../b", "/a/./b", "/..", "/a/%2e%2e/b", "/a/%2E./b", "/a/.%2e", "/a/.."}) {
    EXPECT_TRUE(HasDotSegment(p)) << p;
  }
  for (std::string_view p : {"/a/b", "/a/.b", "/a/b..", "/...", "/a/%2e%2e%2e", "/"}) {
    EXPECT_FALSE(HasDotSegment(p)) << p;
  }
}

TEST(RouteTableTest, RoundRobinSpreadsAndSkipsEjectedHosts) {
  auto b = Build(R"(
routes:
  rr:
    path: /rr/**
    instances: [http://127.0.0.1:1, http://127.0.0.1:2, http://127.0.0.1:3]
    outlier-detection: {consecutive-failures: 2, max-ejection-percent: 50}
)",
                 "");
  Service& s = *b->services[0];
  const auto now = Service::Clock::now();
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30; ++i) ++counts[s.IndexOf(*s.Pick(0, now))];
  EXPECT_EQ(counts[0], 10);
  EXPECT_EQ(counts[1], 10);
  EXPECT_EQ(counts[2], 10);
  // Two failures in a row eject host 0; only one of three hosts may be out (50%).
  EXPECT_FALSE(s.ReportFailure(s.host(0), now));
  EXPECT_TRUE(s.ReportFailure(s.host(0), now));
  EXPECT_FALSE(s.ReportFailure(s.host(1), now));
  EXPECT_FALSE(s.ReportFailure(s.host(1), now));  // would exceed 50%
  for (int i = 0; i < 10; ++i) EXPECT_NE(s.IndexOf(*s.Pick(0, now)), 0u);
  // A retry prefers a host not tried yet.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(s.IndexOf(*s.Pick(0b100, now)), 1u);
  // The ejection ends by itself.
  const auto later = now + std::chrono::seconds(31);
  bool saw0 = false;
  for (int i = 0; i < 10; ++i) saw0 = saw0 || s.IndexOf(*s.Pick(0, later)) == 0;
  EXPECT_TRUE(saw0);
  // Unhealthy hosts are skipped; none available gives nullptr.
  for (std::size_t i = 0; i < 3; ++i) s.host(i).healthy = false;
  EXPECT_EQ(s.Pick(0, later), nullptr);
}

TEST(RouteTableTest, SingleHostIsNeverEjected) {
  auto b = Build("routes:\n  a:\n    path: /a\n    url: http://127.0.0.1:1/\n", "");
  Service& s = *b->services[0];
  const auto now = Service::Clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(s.ReportFailure(s.host(0), now));
  EXPECT_NE(s.Pick(0, now), nullptr);
}

TEST(RouteTableTest, CircuitBreakerCounts) {
  auto b = Build(R"(
routes:
  a:
    path: /a
    url: http://127.0.0.1:1/
    circuit-breaker: {max-requests: 2, max-pending-requests: 1}
)",
                 "");
  Service& s = *b->services[0];
  EXPECT_TRUE(s.TryStartRequest());
  EXPECT_TRUE(s.TryStartRequest());
  EXPECT_FALSE(s.TryStartRequest());
  s.EndRequest();
  EXPECT_TRUE(s.TryStartRequest());
  EXPECT_TRUE(s.TryStartPending());
  EXPECT_FALSE(s.TryStartPending());
  s.EndPending();
  EXPECT_TRUE(s.TryStartPending());
}

}  // namespace
}  // namespace cairn::edge
