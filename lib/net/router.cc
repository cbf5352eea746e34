#include "lib/net/router.h"

#include <algorithm>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/segments_encoded_view.hpp>
#include <cstdint>
#include <utility>

namespace cairn::net {
namespace {

// Ordered by specificity: a lower value wins when two patterns match the same path.
enum class SegmentKind : std::uint8_t { kLiteral = 0, kParam = 1, kRest = 2 };

struct Segment {
  SegmentKind kind;
  std::string text;  // the literal, or the parameter name
};

bool ValidParamName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

// Parses `pattern` into segments; returns a message on error.
std::string ParsePattern(std::string_view pattern, std::vector<Segment>& out) {
  if (pattern.empty() || pattern[0] != '/') return "must start with '/'";
  if (pattern == "/") return {};
  std::string_view rest = pattern.substr(1);
  std::size_t params = 0;
  while (true) {
    std::size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (!out.empty() && out.back().kind == SegmentKind::kRest) {
      return "a {name...} segment must be the last one";
    }
    if (!seg.empty() && seg.front() == '{') {
      if (seg.back() != '}') return "unterminated parameter segment '" + std::string(seg) + "'";
      std::string_view name = seg.substr(1, seg.size() - 2);
      SegmentKind kind = SegmentKind::kParam;
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        name.remove_suffix(3);
        kind = SegmentKind::kRest;
      }
      if (!ValidParamName(name)) return "bad parameter name in '" + std::string(seg) + "'";
      for (const Segment& s : out) {
        if (s.kind != SegmentKind::kLiteral && s.text == name) {
          return "duplicate parameter '" + std::string(name) + "'";
        }
      }
      if (++params > RequestContext::kMaxPathParams) return "too many parameters";
      out.push_back({kind, std::string(name)});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos) {
        return "braces must enclose a whole segment in '" + std::string(seg) + "'";
      }
      out.push_back({SegmentKind::kLiteral, std::string(seg)});
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return {};
}

// Two patterns with the same shape match exactly the same paths.
std::string Shape(const std::vector<Segment>& segments) {
  std::string shape;
  for (const Segment& s : segments) {
    shape += '/';
    switch (s.kind) {
      case SegmentKind::kLiteral:
        shape += s.text;
        break;
      case SegmentKind::kParam:
        shape += "{}";
        break;
      case SegmentKind::kRest:
        shape += "{...}";
        break;
    }
  }
  return shape;
}

bool SegmentEquals(boost::urls::pct_string_view seg, std::string_view literal) {
  if (seg.decoded_size() == seg.size()) return std::string_view(seg.data(), seg.size()) == literal;
  return (*seg).compare(literal) == 0;
}

}  // namespace

struct Router::Route {
  std::string pattern;
  std::vector<Segment> segments;
  std::string shape;
  std::vector<std::pair<http::verb, Handler>> methods;
  std::string allow;  // value of the Allow header for this path

  const Handler* Find(http::verb method) const {
    for (const auto& [verb, handler] : methods) {
      if (verb == method) return &handler;
    }
    return nullptr;
  }

  void ComputeAllow() {
    std::vector<std::string_view> names;
    for (const auto& entry : methods) names.push_back(http::to_string(entry.first));
    if (Find(http::verb::get) && !Find(http::verb::head)) names.push_back("HEAD");
    if (!Find(http::verb::options)) names.push_back("OPTIONS");
    std::sort(names.begin(), names.end());
    allow.clear();
    for (std::string_view name : names) {
      if (!allow.empty()) allow += ", ";
      allow += name;
    }
  }

  // Matches the encoded path segments, recording parameters into `ctx`.
  bool Match(const boost::urls::segments_encoded_view& path, std::string_view encoded_path,
             RequestContext& ctx) const;
};

Router::Router() : chain_(nullptr) { Use(nullptr); }
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::Fail(std::string message) {
  if (status_.ok()) status_ = InvalidArgument(std::move(message));
}

Router& Router::Add(http::verb method, std::string_view pattern, SyncHandler handler) {
  if (!handler) {
    Fail("route " + std::string(pattern) + ": empty handler");
    return *this;
  }
  return Add(
      method, pattern,
      Handler([handler = std::move(handler)](RequestContext& ctx) -> asio::awaitable<Response> {
        co_return handler(ctx);
      }));
}

Router& Router::Add(http::verb method, std::string_view pattern, Handler handler) {
  if (!handler) {
    Fail("route " + std::string(pattern) + ": empty handler");
    return *this;
  }
  if (method == http::verb::unknown || method == http::verb::trace) {
    Fail("route " + std::string(pattern) + ": method cannot be routed");
    return *this;
  }
  std::vector<Segment> segments;
  if (std::string error = ParsePattern(pattern, segments); !error.empty()) {
    Fail("route pattern '" + std::string(pattern) + "': " + error);
    return *this;
  }
  std::string shape = Shape(segments);
  Route* route = nullptr;
  for (auto& existing : routes_) {
    if (existing->shape != shape) continue;
    if (existing->pattern != pattern) {
      Fail("route pattern '" + std::string(pattern) + "' conflicts with '" + existing->pattern +
           "'");
      return *this;
    }
    route = existing.get();
  }
  if (route == nullptr) {
    auto fresh = std::make_unique<Route>();
    fresh->pattern = std::string(pattern);
    fresh->segments = std::move(segments);
    fresh->shape = std::move(shape);
    route = fresh.get();
    routes_.push_back(std::move(fresh));
    std::stable_sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
      return std::lexicographical_compare(
          a->segments.begin(), a->segments.end(), b->segments.begin(), b->segments.end(),
          [](const Segment& x, const Segment& y) { return x.kind < y.kind; });
    });
  }
  if (route->Find(method) != nullptr) {
    Fail("duplicate route " + std::string(http::to_string(method)) + " " + std::string(pattern));
    return *this;
  }
  route->methods.emplace_back(method, std::move(handler));
  route->ComputeAllow();
  return *this;
}

Router& Router::Use(Middleware middleware) {
  if (middleware) middleware_.push_back(std::move(middleware));
  // The innermost handler: the matched route's handler, or the router's own answer.
  Handler chain = [](RequestContext& ctx) -> asio::awaitable<Response> {
    if (ctx.handler_ != nullptr) return (*ctx.handler_)(ctx);
    return Answer(ctx);
  };
  for (auto it = middleware_.rbegin(); it != middleware_.rend(); ++it) {
    chain = [middleware = *it, next = std::move(chain)](RequestContext& ctx) {
      return middleware(ctx, next);
    };
  }
  chain_ = std::move(chain);
  return *this;
}

bool Router::Route::Match(const boost::urls::segments_encoded_view& path,
                          std::string_view encoded_path, RequestContext& ctx) const {
  auto it = path.begin();
  const auto end = path.end();
  for (const Segment& segment : segments) {
    if (it == end) {
      // "/" has no segments at all, yet "/{rest...}" should match it with an empty rest.
      if (segment.kind == SegmentKind::kRest && segments.size() == 1 && encoded_path == "/") {
        ctx.AddParam(segment.text, {});
        return true;
      }
      return false;
    }
    boost::urls::pct_string_view seg = *it;
    switch (segment.kind) {
      case SegmentKind::kLiteral:
        if (!SegmentEquals(seg, segment.text)) return false;
        break;
      case SegmentKind::kParam:
        if (seg.empty()) return false;
        ctx.AddParam(segment.text, std::string_view(seg.data(), seg.size()));
        break;
      case SegmentKind::kRest: {
        const char* path_end = encoded_path.data() + encoded_path.size();
        ctx.AddParam(segment.text, std::string_view(seg.data(), path_end - seg.data()));
        return true;
      }
    }
    ++it;
  }
  return it == end;
}

void Router::Resolve(RequestContext& ctx) const {
  const Request& req = ctx.request();
  std::string_view target = req.target();
  const http::verb method = req.method();

  boost::system::result<boost::urls::url_view> parsed;
  if (!target.empty() && target.front() == '/') {
    parsed = boost::urls::parse_origin_form(target);
  } else if (target == "*" && method == http::verb::options) {
    ctx.outcome_ = http::status::no_content;  // asterisk-form: the server itself
    return;
  } else {
    parsed = boost::urls::parse_absolute_uri(target);
  }
  if (!parsed) {
    ctx.outcome_ = http::status::bad_request;
    ctx.problem_ = "request target is not a valid origin-form or absolute-form URI";
    return;
  }
  ctx.url_ = *parsed;

  const std::string_view encoded_path = ctx.encoded_path();
  const auto segments = ctx.url_.encoded_segments();
  const Route* matched = nullptr;
  for (const auto& route : routes_) {
    ctx.num_params_ = 0;
    if (route->Match(segments, encoded_path, ctx)) {
      matched = route.get();
      break;
    }
  }
  if (matched == nullptr) {
    ctx.num_params_ = 0;
    ctx.outcome_ =
        method == http::verb::trace ? http::status::method_not_allowed : http::status::not_found;
    return;
  }
  ctx.route_ = matched->pattern;
  ctx.allow_ = matched->allow;
  if (method == http::verb::trace) {
    ctx.outcome_ = http::status::method_not_allowed;
    return;
  }
  const Handler* handler = matched->Find(method);
  if (handler == nullptr && method == http::verb::head) handler = matched->Find(http::verb::get);
  if (handler != nullptr) {
    ctx.handler_ = handler;
    return;
  }
  ctx.outcome_ =
      method == http::verb::options ? http::status::no_content : http::status::method_not_allowed;
}

asio::awaitable<Response> Router::Handle(RequestContext& ctx) const {
  Resolve(ctx);
  return chain_(ctx);
}

asio::awaitable<Response> Router::Answer(RequestContext& ctx) {
  Response res;
  switch (ctx.outcome_) {
    case http::status::bad_request:
      res = MakeResponse(ctx.outcome_, std::string(ctx.problem_));
      break;
    case http::status::not_found:
      res = MakeResponse(ctx.outcome_, "no route for " + std::string(ctx.encoded_path()));
      break;
    case http::status::method_not_allowed:
      res = MakeResponse(ctx.outcome_,
                         std::string(ctx.request().method_string()) + " is not allowed here");
      res.set(http::field::allow, ctx.allow_);
      break;
    case http::status::no_content:
      res = MakeResponse(ctx.outcome_);
      if (!ctx.allow_.empty()) res.set(http::field::allow, ctx.allow_);
      break;
    default:
      res = MakeResponse(http::status::internal_server_error, "request was not routed");
      break;
  }
  co_return res;
}

}  // namespace cairn::net
