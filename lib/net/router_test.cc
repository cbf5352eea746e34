#include "lib/net/router.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

namespace cairn::net {
namespace {

using ::testing::HasSubstr;

// Runs one request through the router on a private io_context.
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

Response Serve(const Router& router, http::verb method, std::string_view target) {
  return Serve(router, Request(method, target, 11));
}

// A handler that answers "<route>|<param>=<value>,..." for the named params.
SyncHandler Echo(std::vector<std::string> params) {
  return [params](RequestContext& ctx) {
    std::string body(ctx.route());
    body += '|';
    for (const std::string& name : params) {
      body += name + "=" + std::string(ctx.PathParam(name).value_or("<none>")) + ",";
    }
    return MakeResponse(http::status::ok, body);
  };
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Get("/api/v2/services", Echo({}));
  router.Get("/api/v2/trace/{traceId}", Echo({"traceId"}));
  router.Get("/a/{x}/b/{y}", Echo({"x", "y"}));
  ASSERT_TRUE(router.status().ok()) << router.status().ToString();

  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/services").body(), "/api/v2/services|");
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/trace/463ac35c9f6413ad").body(),
            "/api/v2/trace/{traceId}|traceId=463ac35c9f6413ad,");
  EXPECT_EQ(Serve(router, http::verb::get, "/a/1/b/2").body(), "/a/{x}/b/{y}|x=1,y=2,");
  EXPECT_EQ(Serve(router, http::verb::get, "/a/1/b").result(), http::status::not_found);
  EXPECT_EQ(Serve(router, http::verb::get, "/a/1/b/2/c").result(), http::status::not_found);
  // Exact matching: no trailing-slash folding, no empty parameter.
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/services/").result(), http::status::not_found);
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/trace/").result(), http::status::not_found);
}

TEST(RouterTest, DecodesPathParametersAndLiterals) {
  Router router;
  router.Get("/files/{name}", Echo({"name"}));
  router.Get("/caf\xc3\xa9", Echo({}));
  EXPECT_EQ(Serve(router, http::verb::get, "/files/a%20b%2Fc").body(), "/files/{name}|name=a b/c,");
  EXPECT_EQ(Serve(router, http::verb::get, "/caf%C3%A9").body(), "/caf\xc3\xa9|");
  // A parameter that needs no decoding comes straight from the target.
  EXPECT_EQ(Serve(router, http::verb::get, "/files/plain").body(), "/files/{name}|name=plain,");
}

TEST(RouterTest, MostSpecificPatternWins) {
  Router router;
  router.Get("/api/{version}/{rest...}", Echo({"version", "rest"}));
  router.Get("/api/v2/{thing}", Echo({"thing"}));
  router.Get("/api/v2/traceMany", Echo({}));
  ASSERT_TRUE(router.status().ok()) << router.status().ToString();
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/traceMany").body(), "/api/v2/traceMany|");
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v2/spans").body(), "/api/v2/{thing}|thing=spans,");
  EXPECT_EQ(Serve(router, http::verb::get, "/api/v1/spans").body(),
            "/api/{version}/{rest...}|version=v1,rest=spans,");
}

TEST(RouterTest, RestParameterTakesTheRemainderOfThePath) {
  Router router;
  router.Get("/zipkin/{path...}", Echo({"path"}));
  EXPECT_EQ(Serve(router, http::verb::get, "/zipkin/").body(), "/zipkin/{path...}|path=,");
  EXPECT_EQ(Serve(router, http::verb::get, "/zipkin/static/js/main.js").body(),
            "/zipkin/{path...}|path=static/js/main.js,");
  EXPECT_EQ(Serve(router, http::verb::get, "/zipkin/a%20b/c?q=1").body(),
            "/zipkin/{path...}|path=a b/c,");
  EXPECT_EQ(Serve(router, http::verb::get, "/zipkin").result(), http::status::not_found);

  Router catch_all;
  catch_all.Get("/{path...}", Echo({"path"}));
  EXPECT_EQ(Serve(catch_all, http::verb::get, "/").body(), "/{path...}|path=,");
  EXPECT_EQ(Serve(catch_all, http::verb::get, "/index.html").body(), "/{path...}|path=index.html,");
}

TEST(RouterTest, QueryParametersAreDecoded) {
  Router router;
  router.Get("/q", [](RequestContext& ctx) {
    auto show = [&](std::string_view name) {
      auto value = ctx.QueryParam(name);
      return value ? "[" + *value + "]" : std::string("<absent>");
    };
    return MakeResponse(http::status::ok, show("serviceName") + show("annotationQuery") +
                                              show("flag") + show("empty") + show("missing"));
  });
  Response res = Serve(router, http::verb::get,
                       "/q?serviceName=front%20end&annotationQuery=http.path%3D%2Fapi+error&flag"
                       "&empty=");
  EXPECT_EQ(res.body(), "[front end][http.path=/api error][][]<absent>");
}

TEST(RouterTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.Get("/api/v2/spans", Echo({}));
  router.Post("/api/v2/spans", Echo({}));
  router.Get("/only-get", Echo({}));

  Response missing = Serve(router, http::verb::get, "/nope");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_THAT(missing.body(), HasSubstr("/nope"));

  Response wrong = Serve(router, http::verb::delete_, "/api/v2/spans");
  EXPECT_EQ(wrong.result(), http::status::method_not_allowed);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD, OPTIONS, POST");

  Response put = Serve(router, http::verb::put, "/only-get");
  EXPECT_EQ(put.result(), http::status::method_not_allowed);
  EXPECT_EQ(put[http::field::allow], "GET, HEAD, OPTIONS");
}

TEST(RouterTest, TraceIs405OnEveryPath) {
  Router router;
  router.Get("/api/v2/services", Echo({}));
  Response known = Serve(router, http::verb::trace, "/api/v2/services");
  EXPECT_EQ(known.result(), http::status::method_not_allowed);
  EXPECT_EQ(known[http::field::allow], "GET, HEAD, OPTIONS");
  EXPECT_EQ(Serve(router, http::verb::trace, "/unknown").result(),
            http::status::method_not_allowed);
  // TRACE cannot be routed to a handler either.
  Router bad;
  bad.Add(http::verb::trace, "/x", Echo({}));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(RouterTest, HeadFallsBackToGetAndOptionsListsMethods) {
  Router router;
  router.Get("/health", Echo({}));
  EXPECT_EQ(Serve(router, http::verb::head, "/health").result(), http::status::ok);
  Response options = Serve(router, http::verb::options, "/health");
  EXPECT_EQ(options.result(), http::status::no_content);
  EXPECT_EQ(options[http::field::allow], "GET, HEAD, OPTIONS");
  EXPECT_EQ(Serve(router, http::verb::options, "*").result(), http::status::no_content);
}

TEST(RouterTest, MalformedTargetIs400) {
  Router router;
  router.Get("/x", Echo({}));
  Response res = Serve(router, http::verb::get, "/x%zz");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_THAT(res.body(), HasSubstr("request target"));
  EXPECT_EQ(Serve(router, http::verb::get, "x").result(), http::status::bad_request);
  EXPECT_EQ(Serve(router, http::verb::get, "*").result(), http::status::bad_request);
  EXPECT_EQ(Serve(router, http::verb::get, "/x#frag").result(), http::status::bad_request);
}

TEST(RouterTest, AcceptsAbsoluteFormTargets) {
  Router router;
  router.Get("/api/{x}", Echo({"x"}));
  EXPECT_EQ(Serve(router, http::verb::get, "http://example.com:9411/api/y?z=1").body(),
            "/api/{x}|x=y,");
}

TEST(RouterTest, ReportsTheFirstRegistrationError) {
  SyncHandler ok = Echo({});
  struct Case {
    std::string pattern;
    std::string message;
  };
  std::vector<Case> cases = {
      {"api", "must start with '/'"},
      {"/a/{b", "unterminated"},
      {"/a/x{b}", "braces"},
      {"/a/{}", "bad parameter name"},
      {"/a/{b c}", "bad parameter name"},
      {"/a/{rest...}/b", "must be the last"},
      {"/a/{x}/{x}", "duplicate parameter"},
      {"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", "too many parameters"},
  };
  for (const Case& c : cases) {
    Router router;
    router.Get(c.pattern, ok);
    EXPECT_EQ(router.status().code(), StatusCode::kInvalidArgument) << c.pattern;
    EXPECT_THAT(router.status().message(), HasSubstr(c.message)) << c.pattern;
  }

  Router duplicate;
  duplicate.Get("/a", ok).Get("/a", ok);
  EXPECT_THAT(duplicate.status().message(), HasSubstr("duplicate route GET /a"));

  Router conflict;
  conflict.Get("/t/{id}", ok).Post("/t/{traceId}", ok).Get("/zzz", SyncHandler());
  EXPECT_THAT(conflict.status().message(), HasSubstr("conflicts with '/t/{id}'"));

  Router empty;
  empty.Get("/a", SyncHandler());
  EXPECT_THAT(empty.status().message(), HasSubstr("empty handler"));

  Router fine;
  fine.Get("/", ok).Get("/t/{id}", ok).Post("/t/{id}", ok);
  EXPECT_TRUE(fine.status().ok());
  EXPECT_EQ(Serve(fine, http::verb::get, "/").result(), http::status::ok);
}

TEST(RouterTest, AsyncHandlersAreAwaited) {
  Router router;
  router.Get("/async", [](RequestContext& ctx) -> asio::awaitable<Response> {
    co_return MakeResponse(http::status::accepted, std::string(ctx.request().target()));
  });
  Response res = Serve(router, http::verb::get, "/async");
  EXPECT_EQ(res.result(), http::status::accepted);
  EXPECT_EQ(res.body(), "/async");
}

TEST(RouterTest, MiddlewareWrapsEveryRequestInOrder) {
  Router router;
  router.Get("/api/v2/trace/{traceId}", Echo({"traceId"}));
  std::vector<std::string> seen;
  router.Use([&seen](RequestContext& ctx, const Handler& next) -> asio::awaitable<Response> {
    seen.push_back("outer:" + std::string(ctx.route()));
    Response res = co_await next(ctx);
    res.set("x-order", std::string(res["x-order"]) + "outer");
    co_return res;
  });
  router.Use([&seen](RequestContext& ctx, const Handler& next) -> asio::awaitable<Response> {
    seen.push_back("inner");
    Response res = co_await next(ctx);
    res.set("x-order", "inner,");
    co_return res;
  });

  Response res = Serve(router, http::verb::get, "/api/v2/trace/abc");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res["x-order"], "inner,outer");
  EXPECT_THAT(seen, ::testing::ElementsAre("outer:/api/v2/trace/{traceId}", "inner"));

  // The router's own answers go through the chain too, with an empty route for 404.
  seen.clear();
  Response missing = Serve(router, http::verb::get, "/missing");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_EQ(missing["x-order"], "inner,outer");
  EXPECT_THAT(seen, ::testing::ElementsAre("outer:", "inner"));

  // 405 keeps the route template (useful for metrics).
  seen.clear();
  EXPECT_EQ(Serve(router, http::verb::post, "/api/v2/trace/abc").result(),
            http::status::method_not_allowed);
  EXPECT_THAT(seen, ::testing::ElementsAre("outer:/api/v2/trace/{traceId}", "inner"));
}

TEST(RouterTest, MiddlewareCanAnswerWithoutCallingNext) {
  Router router;
  bool handler_ran = false;
  router.Get("/secret", [&handler_ran](RequestContext&) {
    handler_ran = true;
    return MakeResponse(http::status::ok, "secret");
  });
  router.Use([](RequestContext& ctx, const Handler& next) -> asio::awaitable<Response> {
    if (ctx.request()[http::field::authorization].empty()) {
      co_return MakeResponse(http::status::unauthorized, "no");
    }
    co_return co_await next(ctx);
  });
  EXPECT_EQ(Serve(router, http::verb::get, "/secret").result(), http::status::unauthorized);
  EXPECT_FALSE(handler_ran);
  Request req(http::verb::get, "/secret", 11);
  req.set(http::field::authorization, "Bearer x");
  EXPECT_EQ(Serve(router, std::move(req)).body(), "secret");
  EXPECT_TRUE(handler_ran);
}

TEST(RouterTest, SurvivesBeingMoved) {
  Router original;
  original.Get("/a/{x}", Echo({"x"}));
  original.Use([](RequestContext& ctx, const Handler& next) { return next(ctx); });
  Router moved = std::move(original);
  EXPECT_EQ(Serve(moved, http::verb::get, "/a/1").body(), "/a/{x}|x=1,");
}

}  // namespace
}  // namespace cairn::net
