#include "tools/landscape_check/trace_table.h"

#include <boost/json/value.hpp>
#include <string_view>

namespace cairn::tools {
namespace {

namespace json = boost::json;

// The fields of a span the contract is about.
struct SpanView {
  std::string id, parent, name, kind, service, remote_service;
  const json::object* tags = nullptr;

  bool HasTag(std::string_view key) const {
    return tags != nullptr && tags->if_contains(key) != nullptr;
  }
  std::string Describe() const {
    return service + " '" + name + "' " + (kind.empty() ? "local" : kind) + " " + id;
  }
};

std::string Text(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string ServiceName(const json::object& span, std::string_view endpoint_key) {
  const json::value* endpoint = span.if_contains(endpoint_key);
  if (endpoint == nullptr || !endpoint->is_object()) return {};
  return Text(endpoint->as_object(), "serviceName");
}

std::vector<SpanView> ReadSpans(const json::array& spans) {
  std::vector<SpanView> out;
  for (const json::value& value : spans) {
    if (!value.is_object()) continue;
    const json::object& span = value.as_object();
    SpanView view{Text(span, "id"),
                  Text(span, "parentId"),
                  Text(span, "name"),
                  Text(span, "kind"),
                  ServiceName(span, "localEndpoint"),
                  ServiceName(span, "remoteEndpoint")};
    const json::value* tags = span.if_contains("tags");
    if (tags != nullptr && tags->is_object()) view.tags = &tags->as_object();
    out.push_back(std::move(view));
  }
  return out;
}

class Checker {
 public:
  Checker(std::vector<SpanView> spans, std::vector<std::string>& failures)
      : spans_(std::move(spans)), failures_(failures) {}

  // The spans of `service` named `name` with `kind` ("" = local).
  std::vector<const SpanView*> Find(std::string_view service, std::string_view name,
                                    std::string_view kind) const {
    std::vector<const SpanView*> found;
    for (const SpanView& span : spans_) {
      if (span.service == service && span.name == name && span.kind == kind) {
        found.push_back(&span);
      }
    }
    return found;
  }

  // Every span of `service` with `kind`, whatever its name.
  std::vector<const SpanView*> FindKind(std::string_view service, std::string_view kind) const {
    std::vector<const SpanView*> found;
    for (const SpanView& span : spans_) {
      if (span.service == service && span.kind == kind) found.push_back(&span);
    }
    return found;
  }

  // Exactly one such span (reported otherwise); nullptr when missing.
  const SpanView* One(std::string_view service, std::string_view name, std::string_view kind) {
    std::vector<const SpanView*> found = Find(service, name, kind);
    std::string row = std::string(service) + " '" + std::string(name) + "' " +
                      std::string(kind.empty() ? "local" : kind);
    if (found.empty()) {
      Fail("missing span: " + row);
      return nullptr;
    }
    if (found.size() > 1) Fail("expected one span " + row + ", found " +
                               std::to_string(found.size()));
    return found.front();
  }

  // `child`'s parent must be one of `parents` (their ids); `what` names the expected parent.
  void ExpectParent(const SpanView* child, const std::vector<const SpanView*>& parents,
                    std::string_view what) {
    if (child == nullptr) return;
    for (const SpanView* parent : parents) {
      if (parent != nullptr && child->parent == parent->id) return;
    }
    Fail(child->Describe() + ": parent " + (child->parent.empty() ? "none" : child->parent) +
         " is not " + std::string(what));
  }

  void ExpectTag(const SpanView* span, std::string_view key) {
    if (span != nullptr && !span->HasTag(key)) {
      Fail(span->Describe() + ": no tag " + std::string(key));
    }
  }

  bool Any(std::string_view kind) const {
    for (const SpanView& span : spans_) {
      if (span.kind == kind) return true;
    }
    return false;
  }

  void Fail(std::string message) { failures_.push_back(std::move(message)); }

 private:
  std::vector<SpanView> spans_;
  std::vector<std::string>& failures_;
};

void ExpectHttpServer(Checker& check, const SpanView* span) {
  check.ExpectTag(span, "http.method");
  check.ExpectTag(span, "http.path");
  check.ExpectTag(span, "http.status_code");
}

void ExpectHttpClient(Checker& check, const SpanView* span, std::string_view remote,
                      bool fell_back) {
  if (span == nullptr) return;
  check.ExpectTag(span, "http.method");
  check.ExpectTag(span, "http.path");
  if (span->remote_service != remote) {
    check.Fail(span->Describe() + ": remote service '" + span->remote_service + "', expected '" +
               std::string(remote) + "'");
  }
  if (fell_back) check.ExpectTag(span, "error");
}

// accountservice's call to a downstream: one CLIENT span per attempt (retries add more), each a
// child of getaccount; the downstream's SERVER span is a child of one of them unless the call
// fell back, in which case every attempt carries `error`.
void ExpectDownstream(Checker& check, const SpanView* get_account, std::string_view client_name,
                      std::string_view service, std::string_view server_name, bool fell_back) {
  std::vector<const SpanView*> attempts = check.Find("accountservice", client_name, "CLIENT");
  if (attempts.empty()) {
    check.Fail("missing span: accountservice '" + std::string(client_name) + "' CLIENT");
  }
  for (const SpanView* attempt : attempts) {
    check.ExpectParent(attempt, {get_account}, "getaccount");
    ExpectHttpClient(check, attempt, service, fell_back);
  }
  if (fell_back) return;
  const SpanView* server = check.One(service, server_name, "SERVER");
  check.ExpectParent(server, attempts,
                     "accountservice's " + std::string(client_name) + " CLIENT span");
  ExpectHttpServer(check, server);
}

}  // namespace

std::vector<std::string> CheckTraceTable(const json::array& spans,
                                         const TraceTableExpectations& expected) {
  std::vector<std::string> failures;
  Checker check(ReadSpans(spans), failures);
  const SpanView caller{expected.caller_span_id, "", "", "", "", "", nullptr};
  std::string_view caller_text = expected.caller_span_id.empty() ? "root" : "the caller's span";

  // The edge rows, and the spans accountservice's SERVER span must be a child of.
  std::vector<const SpanView*> account_parents{&caller};
  std::string_view account_parent_text = caller_text;
  if (expected.through_edge) {
    const SpanView* edge = check.One("edge-server", "get /api/accounts/{id}", "SERVER");
    check.ExpectParent(edge, {&caller}, caller_text);
    check.ExpectTag(edge, "http.method");
    // Attempt spans may have any name: every edge CLIENT span is one.
    std::vector<const SpanView*> all_clients = check.FindKind("edge-server", "CLIENT");
    if (all_clients.empty()) check.Fail("missing span: edge-server CLIENT (upstream attempt)");
    for (const SpanView* attempt : all_clients) {
      check.ExpectParent(attempt, {edge}, "the edge SERVER span");
      check.ExpectTag(attempt, "http.method");
      if (attempt->remote_service != "accountservice") {
        check.Fail(attempt->Describe() + ": remote service '" + attempt->remote_service +
                   "', expected 'accountservice'");
      }
    }
    account_parents = all_clients;
    account_parent_text = "an edge CLIENT span";
  }

  const SpanView* get_account = check.One("accountservice", "getaccount", "SERVER");
  check.ExpectParent(get_account, account_parents, account_parent_text);
  ExpectHttpServer(check, get_account);

  const SpanView* query = check.One("accountservice", "queryaccount", "");
  check.ExpectParent(query, {get_account}, "getaccount");

  if (expected.vip) {
    const SpanView* producer = check.One("accountservice", "send vip_queue", "PRODUCER");
    check.ExpectParent(producer, {get_account}, "getaccount");
    const SpanView* consumer = check.One("vipservice", "vipservice#onmessage", "CONSUMER");
    check.ExpectParent(consumer, {producer}, "the PRODUCER span");
  } else if (check.Any("PRODUCER") || check.Any("CONSUMER")) {
    check.Fail("messaging spans in the trace of a non-VIP account");
  }

  ExpectDownstream(check, get_account, "getquote", "quotes-service", "getquote",
                   expected.quote_fallback);
  ExpectDownstream(check, get_account, "getimageurl", "imageservice", "getaccountimage",
                   expected.image_fallback);
  return failures;
}

}  // namespace cairn::tools
