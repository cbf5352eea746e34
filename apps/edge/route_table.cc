#include "apps/edge/route_table.h"

#include "lib/net/http1_head.h"

namespace cairn::edge {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "." or ".." in any spelling: ".", "%2e", "%2E".
bool IsDotSegment(std::string_view seg) {
  int dots = 0;
  while (!seg.empty()) {
    if (seg.front() == '.') {
      seg.remove_prefix(1);
    } else if (seg.size() >= 3 && seg[0] == '%' && seg[1] == '2' &&
               (seg[2] == 'e' || seg[2] == 'E')) {
      seg.remove_prefix(3);
    } else {
      return false;
    }
    ++dots;
  }
  return dots == 1 || dots == 2;
}

}  // namespace

bool HasDotSegment(std::string_view path) {
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    std::size_t slash = path.find('/');
    if (IsDotSegment(path.substr(0, slash))) return true;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return false;
}

Result<std::unique_ptr<RouteTable>> RouteTable::Build(
    const EdgeConfig& config, std::vector<std::unique_ptr<Service>>& services,
    EdgeMetrics& metrics) {
  auto table = std::make_unique<RouteTable>();
  table->routes_.reserve(config.routes.size());
  for (const RouteConfig& rc : config.routes) {
    Result<PathPattern> pattern = PathPattern::Parse(rc.pattern);
    if (!pattern.ok()) return InvalidArgument("route " + rc.id + ": " + pattern.status().message());
    Result<PathPattern> own = PathPattern::Parse(rc.path);
    if (!own.ok()) return InvalidArgument("route " + rc.id + ": " + own.status().message());
    Route route;
    route.config = &rc;
    route.pattern = std::move(pattern).value();
    for (auto& s : services) {
      if (s->name() == rc.service) route.service = s.get();
    }
    if (route.service == nullptr) {
      return InvalidArgument("route " + rc.id + ": no service '" + rc.service + "'");
    }
    if (config.strip_prefix) {
      route.strip_global = config.prefix.size();
    } else {
      route.kept_global = config.prefix;
    }
    route.literal_len = own->static_prefix().size();
    route.strip_literal = rc.strip_prefix;
    for (const std::string& h : rc.sensitive_headers) route.sensitive.push_back(Lower(h));
    route.metrics = &metrics.Route(rc.id);
    route.template_text = " " + rc.pattern;
    table->routes_.push_back(std::move(route));
  }
  return table;
}

const Route* RouteTable::Match(std::string_view method, std::string_view path) const {
  for (const Route& route : routes_) {
    if (!route.pattern.Match(path)) continue;
    if (!route.config->methods.empty()) {
      bool allowed = false;
      for (const std::string& m : route.config->methods) allowed = allowed || m == method;
      if (!allowed) continue;
    }
    return &route;
  }
  return nullptr;
}

void RouteTable::UpstreamTarget(const Route& route, std::string_view path, std::string_view query,
                                std::string& out) {
  const std::string& base = route.service->config().base_path;
  const std::size_t global_len = route.strip_global + route.kept_global.size();
  out.append(base);
  if (!route.kept_global.empty()) out.append(route.kept_global);
  std::string_view rest = path.substr(std::min(path.size(), global_len));
  if (route.strip_literal) rest.remove_prefix(std::min(rest.size(), route.literal_len));
  if (rest.empty() && out.empty()) out.push_back('/');
  out.append(rest);
  out.append(query);
}

std::string_view RouteTable::StrippedPrefix(const Route& route, std::string_view path) {
  const std::size_t literal = route.strip_literal ? route.literal_len : 0;
  if (!route.kept_global.empty()) {
    // The global prefix stays; only the route's literal part (after it) was cut.
    const std::size_t at = std::min(path.size(), route.kept_global.size());
    return path.substr(at, literal);
  }
  return path.substr(0, std::min(path.size(), route.strip_global + literal));
}

}  // namespace cairn::edge
