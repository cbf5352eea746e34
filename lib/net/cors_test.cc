#include "lib/net/cors.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "lib/net/router.h"

namespace cairn::net {
namespace {

constexpr std::string_view kAllowed = "http://foo.example.com";
constexpr std::string_view kDisallowed = "http://bar.example.com";

Response Serve(const Router& router, Request req) {
  asio::io_context ioc;
  RequestContext ctx;
  ctx.Reset(req, {});
  Response out;
  asio::co_spawn(
      ioc, [&]() -> asio::awaitable<void> { out = co_await router.Handle(ctx); }, asio::detached);
  ioc.run();
  return out;
}

Request WithOrigin(http::verb method, std::string_view target, std::string_view origin) {
  Request req(method, target, 11);
  if (!origin.empty()) req.set(http::field::origin, origin);
  return req;
}

Router ZipkinLikeRouter(CorsOptions options) {
  Router router;
  router.Get("/api/v2/traces", [](RequestContext&) { return JsonResponse("[]"); });
  router.Post("/api/v2/spans",
              [](RequestContext&) { return MakeResponse(http::status::accepted); });
  router.Get("/health", [](RequestContext&) { return MakeResponse(http::status::ok, "UP"); });
  router.Use(CorsMiddleware(std::move(options)));
  return router;
}

CorsOptions OnlyFoo() {
  CorsOptions options;
  options.allowed_origins = {std::string(kAllowed)};
  return options;
}

// The checks of Zipkin's ITZipkinServerCORS.
TEST(CorsTest, AllowedOriginPreflight) {
  Router router = ZipkinLikeRouter(OnlyFoo());
  for (std::string_view path : {"/api/v2/traces", "/api/v2/spans"}) {
    Response res = Serve(router, WithOrigin(http::verb::options, path, kAllowed));
    EXPECT_EQ(res.result(), http::status::ok) << path;
    EXPECT_EQ(res[http::field::vary], "Origin");
    EXPECT_EQ(res[http::field::access_control_allow_origin], kAllowed);
    EXPECT_EQ(res[http::field::access_control_allow_methods], "GET, POST");
    EXPECT_EQ(res[http::field::access_control_allow_headers], "content-type");
    EXPECT_EQ(res.find(http::field::access_control_allow_credentials), res.end());
  }
}

TEST(CorsTest, AllowedOriginOrdinaryRequests) {
  Router router = ZipkinLikeRouter(OnlyFoo());
  Response get = Serve(router, WithOrigin(http::verb::get, "/api/v2/traces", kAllowed));
  EXPECT_EQ(get.result(), http::status::ok);
  EXPECT_EQ(get.body(), "[]");
  EXPECT_EQ(get[http::field::access_control_allow_origin], kAllowed);
  EXPECT_EQ(get[http::field::vary], "Origin");

  Response post = Serve(router, WithOrigin(http::verb::post, "/api/v2/spans", kAllowed));
  EXPECT_EQ(post.result(), http::status::accepted);
  EXPECT_EQ(post[http::field::access_control_allow_origin], kAllowed);
  EXPECT_EQ(post.find(http::field::access_control_allow_credentials), post.end());
}

TEST(CorsTest, DisallowedOriginIsForbidden) {
  Router router = ZipkinLikeRouter(OnlyFoo());
  for (Request req : {WithOrigin(http::verb::get, "/api/v2/traces", kDisallowed),
                      WithOrigin(http::verb::post, "/api/v2/spans", kDisallowed),
                      WithOrigin(http::verb::options, "/api/v2/spans", kDisallowed)}) {
    Response res = Serve(router, req);
    EXPECT_EQ(res.result(), http::status::forbidden);
    EXPECT_EQ(res[http::field::vary], "Origin");
    EXPECT_EQ(res.find(http::field::access_control_allow_origin), res.end());
    EXPECT_EQ(res.find(http::field::access_control_allow_credentials), res.end());
  }
}

TEST(CorsTest, DefaultAllowsAnyOrigin) {
  Router router = ZipkinLikeRouter(CorsOptions());
  Response res = Serve(router, WithOrigin(http::verb::get, "/api/v2/traces", kDisallowed));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
}

TEST(CorsTest, RequestsWithoutOriginPassUntouched) {
  Router router = ZipkinLikeRouter(OnlyFoo());
  Response res = Serve(router, WithOrigin(http::verb::get, "/api/v2/traces", ""));
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.find(http::field::access_control_allow_origin), res.end());
  EXPECT_EQ(res.find(http::field::vary), res.end());
  // Without Origin, OPTIONS is the router's own answer.
  EXPECT_EQ(Serve(router, WithOrigin(http::verb::options, "/api/v2/spans", "")).result(),
            http::status::no_content);
}

TEST(CorsTest, PreflightChecksRequestedMethodAndHeaders) {
  CorsOptions options;
  options.allowed_headers = {"content-type", "X-GRPC-WEB"};
  options.max_age_seconds = 600;
  Router router = ZipkinLikeRouter(options);

  Request ok = WithOrigin(http::verb::options, "/api/v2/spans", kAllowed);
  ok.set(http::field::access_control_request_method, "POST");
  ok.set(http::field::access_control_request_headers, "Content-Type, x-grpc-web");
  Response res = Serve(router, ok);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::access_control_allow_origin], "*");
  EXPECT_EQ(res[http::field::access_control_allow_headers], "content-type, X-GRPC-WEB");
  EXPECT_EQ(res[http::field::access_control_max_age], "600");

  Request bad_method = WithOrigin(http::verb::options, "/api/v2/spans", kAllowed);
  bad_method.set(http::field::access_control_request_method, "DELETE");
  EXPECT_EQ(Serve(router, bad_method).result(), http::status::forbidden);

  Request bad_header = WithOrigin(http::verb::options, "/api/v2/spans", kAllowed);
  bad_header.set(http::field::access_control_request_method, "POST");
  bad_header.set(http::field::access_control_request_headers, "content-type, x-secret");
  EXPECT_EQ(Serve(router, bad_header).result(), http::status::forbidden);
}

TEST(CorsTest, PreflightOnUnknownPathIs404) {
  Router router = ZipkinLikeRouter(CorsOptions());
  EXPECT_EQ(Serve(router, WithOrigin(http::verb::options, "/nope", kAllowed)).result(),
            http::status::not_found);
}

TEST(CorsTest, PathPrefixesLimitWhereCorsApplies) {
  CorsOptions options = OnlyFoo();
  options.path_prefixes = {"/api/"};
  Router router = ZipkinLikeRouter(options);
  Response health = Serve(router, WithOrigin(http::verb::get, "/health", kDisallowed));
  EXPECT_EQ(health.result(), http::status::ok);
  EXPECT_EQ(health.find(http::field::access_control_allow_origin), health.end());
  EXPECT_EQ(Serve(router, WithOrigin(http::verb::get, "/api/v2/traces", kDisallowed)).result(),
            http::status::forbidden);
}

TEST(CorsTest, KeepsAnExistingVaryHeader) {
  Router router;
  router.Get("/x", [](RequestContext&) {
    Response res = MakeResponse(http::status::ok, "x");
    res.set(http::field::vary, "Accept-Encoding");
    return res;
  });
  router.Use(CorsMiddleware(CorsOptions()));
  Response res = Serve(router, WithOrigin(http::verb::get, "/x", kAllowed));
  EXPECT_EQ(res[http::field::vary], "Accept-Encoding, Origin");
}

}  // namespace
}  // namespace cairn::net
