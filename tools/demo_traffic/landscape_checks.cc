#include "tools/demo_traffic/landscape_checks.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "tools/support/landscape_spans.h"

namespace cairn::tools {

namespace json = boost::json;

namespace {

// GETs `target` and parses the JSON body; on failure returns null and sets `error`.
json::value GetJson(HttpClient& client, const std::string& target, std::string& error) {
  HttpResponse response = client.Get(target);
  if (!response.transport_ok()) {
    error = target + ": " + response.error;
    return nullptr;
  }
  if (response.status != 200) {
    error = target + ": HTTP " + std::to_string(response.status) + " " + response.body;
    return nullptr;
  }
  boost::system::error_code ec;
  json::value value = json::parse(response.body, ec);
  if (ec) {
    error = target + ": invalid JSON: " + ec.message();
    return nullptr;
  }
  return value;
}

std::string Field(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string ServiceOf(const json::object& span) {
  const json::value* endpoint = span.if_contains("localEndpoint");
  if (endpoint == nullptr || !endpoint->is_object()) return {};
  return Field(endpoint->as_object(), "serviceName");
}

std::string CheckServices(HttpClient& client) {
  std::string error;
  json::value services = GetJson(client, "/api/v2/services", error);
  if (!error.empty()) return error;
  if (!services.is_array()) return "/api/v2/services is not an array";
  std::set<std::string> names;
  for (const json::value& name : services.as_array()) {
    if (name.is_string()) names.emplace(name.as_string());
  }
  for (const char* expected :
       {"edge-server", "accountservice", "quotes-service", "imageservice", "vipservice"}) {
    if (names.count(expected) == 0) return std::string("service ") + expected + " not listed";
  }
  return {};
}

std::string CheckTrace(HttpClient& client, const std::string& trace_id, bool vip) {
  std::string error;
  json::value trace = GetJson(client, "/api/v2/trace/" + trace_id, error);
  if (!error.empty()) return error;
  if (!trace.is_array()) return "trace is not an array";
  const std::size_t expected = vip ? 10 : 8;
  if (trace.as_array().size() != expected) {
    return "trace " + trace_id + " has " + std::to_string(trace.as_array().size()) +
           " spans, expected " + std::to_string(expected);
  }
  // name -> (service, kind, id, parentId)
  struct Seen {
    std::string service, kind, id, parent;
  };
  std::vector<std::pair<std::string, Seen>> spans;
  for (const json::value& value : trace.as_array()) {
    if (!value.is_object()) return "trace " + trace_id + " holds a non-object";
    const json::object& span = value.as_object();
    spans.emplace_back(Field(span, "name"), Seen{ServiceOf(span), Field(span, "kind"),
                                                 Field(span, "id"), Field(span, "parentId")});
  }
  auto find = [&](std::string_view service, std::string_view name) -> const Seen* {
    for (const auto& [span_name, seen] : spans) {
      if (span_name == name && seen.service == service) return &seen;
    }
    return nullptr;
  };
  const Seen* root = find("edge-server", "get /api/accounts/{id}");
  const Seen* account = find("accountservice", "getaccount");
  const Seen* quote = find("quotes-service", "getquote");
  if (root == nullptr || account == nullptr || quote == nullptr) {
    return "trace " + trace_id + " lacks the edge, getaccount or quotes-service span";
  }
  if (!root->parent.empty() || root->kind != "SERVER") return "edge span is not a SERVER root";
  if (account->kind != "SERVER" || account->parent.empty())
    return "getaccount is not a child SERVER";
  if (vip) {
    const Seen* producer = find("accountservice", "send vip_queue");
    const Seen* consumer = find("vipservice", "vipservice#onmessage");
    if (producer == nullptr || consumer == nullptr) return "VIP trace lacks the messaging spans";
    if (producer->kind != "PRODUCER" || consumer->kind != "CONSUMER") {
      return "messaging spans have kinds " + producer->kind + "/" + consumer->kind;
    }
    if (consumer->parent != producer->id) return "vipservice span is not the producer's child";
  }
  return {};
}

std::string CheckSearch(HttpClient& client) {
  std::string error;
  json::value traces =
      GetJson(client, "/api/v2/traces?serviceName=accountservice&spanName=getquote&limit=5", error);
  if (!error.empty()) return error;
  if (!traces.is_array() || traces.as_array().empty()) {
    return "search serviceName=accountservice spanName=getquote found nothing";
  }
  return {};
}

std::string CheckDependencies(HttpClient& client) {
  std::string error;
  const std::string target =
      "/api/v2/dependencies?endTs=" + std::to_string(NowMicros() / 1000 + 1000) +
      "&lookback=86400000";
  json::value links = GetJson(client, target, error);
  if (!error.empty()) return error;
  if (!links.is_array()) return "dependencies is not an array";
  std::set<std::pair<std::string, std::string>> pairs;
  bool reaches_vip = false;
  for (const json::value& link : links.as_array()) {
    if (!link.is_object()) return "dependencies hold a non-object";
    const json::object& object = link.as_object();
    std::string child = Field(object, "child");
    reaches_vip |= child == "vipservice";
    pairs.emplace(Field(object, "parent"), std::move(child));
  }
  for (const auto& expected :
       std::vector<std::pair<std::string, std::string>>{{"edge-server", "accountservice"},
                                                        {"accountservice", "quotes-service"},
                                                        {"accountservice", "imageservice"}}) {
    if (pairs.count(expected) == 0) {
      return "no dependency link " + expected.first + " -> " + expected.second + " (yet)";
    }
  }
  if (!reaches_vip) return "no dependency link to vipservice (yet)";
  return {};
}

}  // namespace

bool CheckLandscape(HttpClient& client, const LandscapeCheckOptions& options, std::ostream& log) {
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  const std::vector<std::pair<std::string, std::function<std::string()>>> checks = {
      {"services listed", [&] { return CheckServices(client); }},
      {"VIP trace complete (10 spans, producer -> consumer)",
       [&] { return CheckTrace(client, options.vip_trace_id, true); }},
      {"regular trace complete (8 spans)",
       [&] { return CheckTrace(client, options.regular_trace_id, false); }},
      {"search by service and span name", [&] { return CheckSearch(client); }},
      {"dependency links", [&] { return CheckDependencies(client); }},
  };
  bool all = true;
  for (const auto& [name, check] : checks) {
    std::string error = check();
    while (!error.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      error = check();
    }
    if (error.empty()) {
      log << "  ok    " << name << "\n";
    } else {
      log << "  FAIL  " << name << ": " << error << "\n";
      all = false;
    }
  }
  log.flush();
  return all;
}

}  // namespace cairn::tools
