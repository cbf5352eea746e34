#include "apps/landscape/common/testing_spans.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace cairn::landscape::testing {
namespace {

namespace json = boost::json;

std::string Str(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

std::string ReportedSpan::Tag(std::string_view key) const {
  auto it = tags.find(std::string(key));
  return it == tags.end() ? std::string() : it->second;
}

std::vector<ReportedSpan> DecodeSpans(const trace_http::testing::RecordingCollector& collector) {
  std::vector<ReportedSpan> spans;
  for (const auto& request : collector.Requests()) {
    boost::system::error_code ec;
    json::value value = json::parse(request.body, ec);
    EXPECT_FALSE(ec) << ec.message() << ": " << request.body;
    if (ec || !value.is_array()) continue;
    for (const json::value& item : value.as_array()) {
      if (!item.is_object()) continue;
      const json::object& o = item.as_object();
      ReportedSpan span;
      span.trace_id = Str(o, "traceId");
      span.id = Str(o, "id");
      span.parent_id = Str(o, "parentId");
      span.name = Str(o, "name");
      span.kind = Str(o, "kind");
      if (const json::value* shared = o.if_contains("shared"); shared && shared->is_bool()) {
        span.shared = shared->as_bool();
      }
      if (const json::value* local = o.if_contains("localEndpoint"); local && local->is_object()) {
        span.local_service = Str(local->as_object(), "serviceName");
        span.local_ipv4 = Str(local->as_object(), "ipv4");
      }
      if (const json::value* remote = o.if_contains("remoteEndpoint");
          remote && remote->is_object()) {
        span.remote_service = Str(remote->as_object(), "serviceName");
        span.remote_ipv4 = Str(remote->as_object(), "ipv4");
        if (const json::value* port = remote->as_object().if_contains("port");
            port && port->is_int64()) {
          span.remote_port = static_cast<int>(port->as_int64());
        }
      }
      if (const json::value* tags = o.if_contains("tags"); tags && tags->is_object()) {
        for (const auto& [key, tag] : tags->as_object()) {
          if (tag.is_string()) span.tags[std::string(key)] = std::string(tag.as_string());
        }
      }
      if (const json::value* annotations = o.if_contains("annotations");
          annotations && annotations->is_array()) {
        for (const json::value& a : annotations->as_array()) {
          if (a.is_object()) span.annotations.push_back(Str(a.as_object(), "value"));
        }
      }
      spans.push_back(std::move(span));
    }
  }
  return spans;
}

std::optional<ReportedSpan> FindSpan(const std::vector<ReportedSpan>& spans, std::string_view name,
                                     std::string_view kind) {
  for (const ReportedSpan& span : spans) {
    if (span.name == name && (kind.empty() || span.kind == kind)) return span;
  }
  return std::nullopt;
}

ServiceConfig TestServiceConfig(const trace_http::testing::RecordingCollector* collector) {
  ServiceConfig config;
  config.bind_address = "127.0.0.1";
  config.server_port = 0;
  config.service_ip = "10.1.2.3";
  config.io_threads = 1;
  config.blocking_threads = 1;
  config.shutdown_timeout = std::chrono::milliseconds(500);
  config.zipkin_spans_url = collector != nullptr ? collector->SpansUrl() : std::string();
  return config;
}

}  // namespace cairn::landscape::testing
