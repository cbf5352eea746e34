// The `routes` and `services` sections of the edge's YAML file, parsed in file order with
// yaml-cpp (lib/config's loader flattens maps into sorted keys, which would lose route order).
#include <yaml-cpp/yaml.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "apps/edge/config_loader.h"
#include "apps/edge/path_pattern.h"
#include "lib/config/url.h"
#include "lib/config/values.h"

namespace cairn::edge {
namespace {

// Reads the keys of one YAML map, remembering which were used so the rest can be reported.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path, std::string_view origin)
      : node_(node), path_(std::move(path)), origin_(origin) {}

  Status Check() const {
    if (!node_.IsMap()) return Error("", "expected a map of keys");
    return Status::Ok();
  }

  bool Has(std::string_view key) const { return node_[std::string(key)].IsDefined(); }

  // The scalar text of `key`, or nullopt when absent.
  Result<std::optional<std::string>> Scalar(std::string_view key) {
    used_.insert(std::string(key));
    YAML::Node value = node_[std::string(key)];
    if (!value.IsDefined() || value.IsNull()) return std::optional<std::string>();
    if (!value.IsScalar()) return Error(key, "expected a single value");
    return std::optional<std::string>(value.Scalar());
  }

  // A list of scalars (a single scalar, or "a,b" text, is accepted as a list too).
  Result<std::optional<std::vector<std::string>>> List(std::string_view key) {
    used_.insert(std::string(key));
    YAML::Node value = node_[std::string(key)];
    if (!value.IsDefined()) return std::optional<std::vector<std::string>>();
    std::vector<std::string> items;
    if (value.IsNull()) return std::optional(items);
    if (value.IsScalar()) return std::optional(config::ParseList(value.Scalar()));
    if (!value.IsSequence()) return Error(key, "expected a list of values");
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) return Error(key, "expected a list of values");
      items.push_back(item.Scalar());
    }
    return std::optional(items);
  }

  // A nested map, or an undefined node when absent.
  Result<YAML::Node> Map(std::string_view key) {
    used_.insert(std::string(key));
    YAML::Node value = node_[std::string(key)];
    if (value.IsDefined() && !value.IsNull() && !value.IsMap()) {
      return Error(key, "expected a map of keys");
    }
    return value;
  }

  // Unused keys are errors (typos must not pass silently).
  Status Finish() const {
    for (const auto& item : node_) {
      std::string key = item.first.Scalar();
      if (!used_.contains(key)) return Error(key, "unknown key");
    }
    return Status::Ok();
  }

  Status Error(std::string_view key, std::string_view message) const {
    std::string where = path_;
    if (!key.empty()) where += "." + std::string(key);
    return InvalidArgument(where + " (in " + std::string(origin_) + "): " + std::string(message));
  }

  const std::string& path() const { return path_; }
  std::string_view origin() const { return origin_; }

 private:
  YAML::Node node_;
  std::string path_;
  std::string_view origin_;
  std::set<std::string> used_;
};

// Wraps a value parser's error with the key.
template <typename T>
Status Read(MapReader& r, std::string_view key, T& field, Result<T> (*parse)(std::string_view)) {
  Result<std::optional<std::string>> text = r.Scalar(key);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return Status::Ok();
  Result<T> parsed = parse(**text);
  if (!parsed.ok()) {
    return r.Error(key, "\"" + **text + "\": " + parsed.status().message());
  }
  field = std::move(parsed).value();
  return Status::Ok();
}

Result<milliseconds> ParseMs(std::string_view t) {
  return config::ParseDuration(t, milliseconds(1));
}
Result<milliseconds> ParsePositiveMs(std::string_view t) {
  Result<milliseconds> d = ParseMs(t);
  if (d.ok() && d->count() <= 0) return InvalidArgument("expected a duration above 0");
  return d;
}
Result<bool> ParseBoolText(std::string_view t) { return config::ParseBool(t); }

template <typename Int>
Status ReadInt(MapReader& r, std::string_view key, Int& field, std::int64_t min, std::int64_t max) {
  Result<std::optional<std::string>> text = r.Scalar(key);
  if (!text.ok()) return text.status();
  if (!text->has_value()) return Status::Ok();
  Result<std::int64_t> parsed = config::ParseInteger(**text, min, max);
  if (!parsed.ok()) return r.Error(key, "\"" + **text + "\": " + parsed.status().message());
  field = static_cast<Int>(*parsed);
  return Status::Ok();
}

// Parses instance URLs into hosts; all must share one path, which becomes the base path.
Status ReadInstances(MapReader& r, const std::vector<std::string>& urls, std::string_view key,
                     ServiceConfig& service) {
  if (urls.empty()) return r.Error(key, "expected at least one URL");
  for (std::size_t i = 0; i < urls.size(); ++i) {
    Result<config::Url> url = config::ParseUrl(urls[i], {"http", "https"});
    if (!url.ok()) return r.Error(key, "\"" + urls[i] + "\": " + url.status().message());
    if (url->scheme != "http") {
      return r.Error(
          key, "\"" + urls[i] + "\": upstreams are reached over plain http (TLS ends at the edge)");
    }
    if (!url->user.empty()) return r.Error(key, "\"" + urls[i] + "\": user info is not allowed");
    if (url->target.find('?') != std::string::npos) {
      return r.Error(key, "\"" + urls[i] + "\": a query is not allowed in an upstream URL");
    }
    std::string base = url->target;
    while (!base.empty() && base.back() == '/') base.pop_back();
    if (i == 0) {
      service.base_path = base;
    } else if (base != service.base_path) {
      return r.Error(key, "every instance must have the same path ('" + service.base_path +
                              "' and '" + base + "')");
    }
    UpstreamHost host;
    host.url = urls[i];
    host.host = url->host;
    host.port = url->port;
    host.host_header = url->HostPort();
    service.hosts.push_back(std::move(host));
  }
  return Status::Ok();
}

// The upstream keys shared by services and by routes that name their own URLs.
Status ReadServiceKeys(MapReader& r, ServiceConfig& s) {
  Result<std::optional<std::string>> url = r.Scalar("url");
  if (!url.ok()) return url.status();
  Result<std::optional<std::vector<std::string>>> instances = r.List("instances");
  if (!instances.ok()) return instances.status();
  if (url->has_value() == instances->has_value()) {
    return r.Error("", "give exactly one of 'url' and 'instances'");
  }
  if (url->has_value()) {
    CAIRN_RETURN_IF_ERROR(ReadInstances(r, {**url}, "url", s));
  } else {
    CAIRN_RETURN_IF_ERROR(ReadInstances(r, **instances, "instances", s));
  }
  Result<std::optional<std::string>> lb = r.Scalar("lb");
  if (!lb.ok()) return lb.status();
  if (lb->has_value()) {
    if (**lb == "round-robin") {
      s.lb = LbPolicy::kRoundRobin;
    } else if (**lb == "least-request") {
      s.lb = LbPolicy::kLeastRequest;
    } else {
      return r.Error("lb", "\"" + **lb + "\": expected round-robin or least-request");
    }
  }
  CAIRN_RETURN_IF_ERROR(
      Read<milliseconds>(r, "connect-timeout", s.connect_timeout, &ParsePositiveMs));

  Result<YAML::Node> breaker = r.Map("circuit-breaker");
  if (!breaker.ok()) return breaker.status();
  if (breaker->IsDefined() && !breaker->IsNull()) {
    MapReader b(*breaker, r.path() + ".circuit-breaker", r.origin());
    CAIRN_RETURN_IF_ERROR(
        ReadInt(b, "max-connections", s.circuit_breaker.max_connections, 1, 1'000'000));
    CAIRN_RETURN_IF_ERROR(
        ReadInt(b, "max-pending-requests", s.circuit_breaker.max_pending_requests, 0, 1'000'000));
    CAIRN_RETURN_IF_ERROR(ReadInt(b, "max-requests", s.circuit_breaker.max_requests, 1, 1'000'000));
    CAIRN_RETURN_IF_ERROR(b.Finish());
  }
  Result<YAML::Node> outlier = r.Map("outlier-detection");
  if (!outlier.ok()) return outlier.status();
  if (outlier->IsDefined() && !outlier->IsNull()) {
    MapReader o(*outlier, r.path() + ".outlier-detection", r.origin());
    CAIRN_RETURN_IF_ERROR(Read<bool>(o, "enabled", s.outlier.enabled, &ParseBoolText));
    CAIRN_RETURN_IF_ERROR(
        ReadInt(o, "consecutive-failures", s.outlier.consecutive_failures, 1, 1000));
    CAIRN_RETURN_IF_ERROR(
        Read<milliseconds>(o, "ejection-time", s.outlier.ejection_time, &ParsePositiveMs));
    CAIRN_RETURN_IF_ERROR(
        ReadInt(o, "max-ejection-percent", s.outlier.max_ejection_percent, 0, 100));
    CAIRN_RETURN_IF_ERROR(o.Finish());
  }
  Result<YAML::Node> health = r.Map("health-check");
  if (!health.ok()) return health.status();
  if (health->IsDefined() && !health->IsNull()) {
    MapReader h(*health, r.path() + ".health-check", r.origin());
    s.health_check.enabled = true;
    CAIRN_RETURN_IF_ERROR(Read<bool>(h, "enabled", s.health_check.enabled, &ParseBoolText));
    Result<std::optional<std::string>> path = h.Scalar("path");
    if (!path.ok()) return path.status();
    if (path->has_value()) {
      if ((*path)->empty() || (*path)->front() != '/') {
        return h.Error("path", "expected a path starting with '/'");
      }
      s.health_check.path = **path;
    }
    CAIRN_RETURN_IF_ERROR(
        Read<milliseconds>(h, "interval", s.health_check.interval, &ParsePositiveMs));
    CAIRN_RETURN_IF_ERROR(
        Read<milliseconds>(h, "timeout", s.health_check.timeout, &ParsePositiveMs));
    CAIRN_RETURN_IF_ERROR(
        ReadInt(h, "unhealthy-threshold", s.health_check.unhealthy_threshold, 1, 100));
    CAIRN_RETURN_IF_ERROR(
        ReadInt(h, "healthy-threshold", s.health_check.healthy_threshold, 1, 100));
    CAIRN_RETURN_IF_ERROR(h.Finish());
  }
  return Status::Ok();
}

Status ReadRetry(MapReader& route, RetryConfig& retry) {
  Result<YAML::Node> node = route.Map("retry");
  if (!node.ok()) return node.status();
  if (!node->IsDefined() || node->IsNull()) return Status::Ok();
  MapReader r(*node, route.path() + ".retry", route.origin());
  CAIRN_RETURN_IF_ERROR(ReadInt(r, "retries", retry.retries, 0, 10));
  Result<std::optional<std::vector<std::string>>> on = r.List("on");
  if (!on.ok()) return on.status();
  if (on->has_value()) {
    retry.on_connect_failure = retry.on_reset = false;
    retry.on_statuses.clear();
    for (const std::string& item : **on) {
      if (item == "connect-failure") {
        retry.on_connect_failure = true;
      } else if (item == "reset") {
        retry.on_reset = true;
      } else {
        Result<std::int64_t> code = config::ParseInteger(item, 500, 599);
        if (!code.ok()) {
          return r.Error("on", "\"" + item + "\": expected connect-failure, reset or a 5xx status");
        }
        retry.on_statuses.push_back(static_cast<unsigned>(*code));
      }
    }
  }
  CAIRN_RETURN_IF_ERROR(Read<milliseconds>(r, "per-try-timeout", retry.per_try_timeout, &ParseMs));
  CAIRN_RETURN_IF_ERROR(
      Read<milliseconds>(r, "backoff-base", retry.backoff_base, &ParsePositiveMs));
  CAIRN_RETURN_IF_ERROR(Read<milliseconds>(r, "backoff-max", retry.backoff_max, &ParsePositiveMs));
  if (retry.backoff_max < retry.backoff_base) {
    return r.Error("backoff-max", "must not be below backoff-base");
  }
  return r.Finish();
}

Status ReadRoute(MapReader& r, const std::string& id, EdgeConfig& config) {
  RouteConfig route;
  route.id = id;
  Result<std::optional<std::string>> path = r.Scalar("path");
  if (!path.ok()) return path.status();
  if (!path->has_value()) return r.Error("path", "is required");
  route.path = **path;
  route.pattern = config.prefix + route.path;
  if (Result<PathPattern> p = PathPattern::Parse(route.pattern); !p.ok()) {
    return r.Error("path", p.status().message());
  }
  const bool own_upstream = r.Has("url") || r.Has("instances");
  Result<std::optional<std::string>> service = r.Scalar("service");
  if (!service.ok()) return service.status();
  if (service->has_value() == own_upstream) {
    return r.Error("", "give exactly one of 'url', 'instances' and 'service'");
  }
  if (own_upstream) {
    ServiceConfig s;
    s.name = id;
    CAIRN_RETURN_IF_ERROR(ReadServiceKeys(r, s));
    for (const ServiceConfig& other : config.services) {
      if (other.name == id) return r.Error("", "a service is already called '" + id + "'");
    }
    config.services.push_back(std::move(s));
    route.service = id;
  } else {
    route.service = **service;  // checked against `services` once all are read
  }
  CAIRN_RETURN_IF_ERROR(Read<bool>(r, "strip-prefix", route.strip_prefix, &ParseBoolText));
  CAIRN_RETURN_IF_ERROR(
      Read<milliseconds>(r, "response-timeout", route.response_timeout, &ParsePositiveMs));
  CAIRN_RETURN_IF_ERROR(ReadRetry(r, route.retry));
  Result<std::optional<std::vector<std::string>>> sensitive = r.List("sensitive-headers");
  if (!sensitive.ok()) return sensitive.status();
  if (sensitive->has_value()) route.sensitive_headers = **sensitive;
  CAIRN_RETURN_IF_ERROR(Read<bool>(r, "preserve-host", route.preserve_host, &ParseBoolText));
  Result<std::optional<std::vector<std::string>>> methods = r.List("methods");
  if (!methods.ok()) return methods.status();
  if (methods->has_value()) {
    for (const std::string& m : **methods) {
      if (m.empty() || m.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) {
        return r.Error("methods", "\"" + m + "\": expected upper-case method names such as GET");
      }
    }
    route.methods = **methods;
  }
  CAIRN_RETURN_IF_ERROR(r.Finish());
  config.routes.push_back(std::move(route));
  return Status::Ok();
}

}  // namespace

Status ParseRoutesYaml(std::string_view yaml_text, std::string_view origin, EdgeConfig& config) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(origin) + ": not valid YAML: " + e.what());
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) return InvalidArgument(std::string(origin) + ": expected a map of settings");
  try {
    // Services first, so that routes can refer to them wherever they are in the file.
    if (YAML::Node services = root["services"]; services.IsDefined() && !services.IsNull()) {
      if (!services.IsMap())
        return InvalidArgument("services (in " + std::string(origin) + "): expected a map");
      for (const auto& item : services) {
        std::string name = item.first.Scalar();
        MapReader r(item.second, "services." + name, origin);
        CAIRN_RETURN_IF_ERROR(r.Check());
        ServiceConfig s;
        s.name = name;
        CAIRN_RETURN_IF_ERROR(ReadServiceKeys(r, s));
        CAIRN_RETURN_IF_ERROR(r.Finish());
        config.services.push_back(std::move(s));
      }
    }
    if (YAML::Node routes = root["routes"]; routes.IsDefined() && !routes.IsNull()) {
      if (!routes.IsMap()) {
        return InvalidArgument("routes (in " + std::string(origin) +
                               "): expected a map of route ids to routes, in match order");
      }
      for (const auto& item : routes) {
        std::string id = item.first.Scalar();
        MapReader r(item.second, "routes." + id, origin);
        CAIRN_RETURN_IF_ERROR(r.Check());
        CAIRN_RETURN_IF_ERROR(ReadRoute(r, id, config));
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(origin) + ": " + e.what());
  }
  for (const RouteConfig& route : config.routes) {
    bool found = false;
    for (const ServiceConfig& s : config.services) found = found || s.name == route.service;
    if (!found) {
      return InvalidArgument("routes." + route.id + ".service (in " + std::string(origin) +
                             "): no service is called '" + route.service + "'");
    }
  }
  return Status::Ok();
}

Status ResolveHosts(EdgeConfig& config) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  for (ServiceConfig& service : config.services) {
    for (UpstreamHost& host : service.hosts) {
      boost::system::error_code ec;
      auto results = resolver.resolve(host.host, std::to_string(host.port), ec);
      if (ec || results.empty()) {
        return Unavailable("service " + service.name + ": cannot resolve '" + host.host +
                           "': " + (ec ? ec.message() : "no address"));
      }
      host.endpoint = results.begin()->endpoint();
      const auto address = host.endpoint.address();
      host.ip = address.to_string();
      host.address = address.is_v6() ? "[" + address.to_string() + "]:" + std::to_string(host.port)
                                     : address.to_string() + ":" + std::to_string(host.port);
    }
  }
  return Status::Ok();
}

}  // namespace cairn::edge
