// cairn-landscape-check: sends GET /accounts/{id} requests into the running landscape (through
// cairn-edge or straight to accountservice), each with B3 headers naming a fresh trace, then reads
// every trace back from cairn-server and checks it against the trace table of spec landscape.md
// (trace_table.h), and the response body against the spec's JSON shape. `make demo-check` and the
// landscape end-to-end test run it. Prints one line per check; exit status 0 only if all held.
#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/landscape_check/trace_table.h"
#include "tools/support/http_client.h"

namespace {

namespace json = boost::json;
using cairn::tools::HttpClient;
using cairn::tools::HttpResponse;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "http://127.0.0.1:6767";  // accountservice, or https://edge:8765/api
  std::string server = "http://127.0.0.1:9411";
  std::vector<int> accounts{10000, 10001, 10042};
  bool through_edge = false;
  bool quote_fallback = false;
  bool image_fallback = false;
  bool responses_only = false;  // cairn-server is down: check the answers, not the traces
  double timeout_s = 15;
};

std::string RandomHex(std::mt19937_64& rng, int words) {
  std::string out;
  char buffer[17];
  for (int i = 0; i < words; ++i) {
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(rng() | 1));
    out += buffer;
  }
  return out;
}

std::string Text(const json::value& value, std::string_view key) {
  if (!value.is_object()) return {};
  const json::value* field = value.as_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->as_string()) : std::string();
}

// The response body of GET /accounts/{id} against the spec; "" when it holds.
std::string CheckAccountBody(const HttpResponse& response, int id, const Options& options) {
  if (!response.transport_ok()) return response.error;
  if (response.status != 200) {
    return "HTTP " + std::to_string(response.status) + ": " + response.body;
  }
  if (response.content_type.find("application/json") == std::string::npos) {
    return "content type '" + response.content_type + "'";
  }
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object()) return "body is not a JSON object: " + response.body;
  if (Text(body, "id") != std::to_string(id)) return "id is '" + Text(body, "id") + "'";
  std::string name = "Person_" + std::to_string(id - 10000);
  if (Text(body, "name") != name) return "name is '" + Text(body, "name") + "'";
  if (Text(body, "servedBy").empty()) return "no servedBy";
  const json::value* quote = body.as_object().if_contains("quote");
  if (quote == nullptr || Text(*quote, "quote").empty()) return "no quote.quote";
  bool quote_fell_back = Text(*quote, "ipAddress") == "circuit-breaker";
  if (quote_fell_back != options.quote_fallback) {
    return "quote.ipAddress is '" + Text(*quote, "ipAddress") + "'";
  }
  const json::value* image = body.as_object().if_contains("imageData");
  if (image == nullptr || Text(*image, "url").empty()) return "no imageData.url";
  bool image_fell_back = Text(*image, "servedBy") == "fallback";
  if (image_fell_back != options.image_fallback) {
    return "imageData.servedBy is '" + Text(*image, "servedBy") + "'";
  }
  return {};
}

// Polls cairn-server for the trace until it passes the table or the deadline passes; returns the
// last failures (empty when it held) and sets `waited`.
std::vector<std::string> AwaitTrace(HttpClient& server, const std::string& trace_id,
                                    const cairn::tools::TraceTableExpectations& expected,
                                    Clock::time_point deadline, Clock::duration& waited) {
  Clock::time_point start = Clock::now();
  std::vector<std::string> failures{"trace " + trace_id + " not found"};
  while (true) {
    HttpResponse response = server.Get("/api/v2/trace/" + trace_id);
    if (response.status == 200) {
      boost::system::error_code ec;
      json::value spans = json::parse(response.body, ec);
      if (!ec && spans.is_array()) {
        failures = cairn::tools::CheckTraceTable(spans.as_array(), expected);
        if (failures.empty()) break;
      }
    } else if (!response.transport_ok()) {
      failures = {"cairn-server: " + response.error};
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  waited = Clock::now() - start;
  return failures;
}

int Run(const Options& options) {
  std::string host, server_host, path, server_path;
  std::uint16_t port = 0, server_port = 0;
  bool tls = false, server_tls = false;
  if (!cairn::tools::ParseUrl(options.target, host, port, tls, path)) {
    std::cerr << "bad --target URL " << options.target << "\n";
    return 2;
  }
  if (!cairn::tools::ParseUrl(options.server, server_host, server_port, server_tls,
                              server_path)) {
    std::cerr << "bad --server URL " << options.server << "\n";
    return 2;
  }
  HttpClient target(host, port, std::chrono::seconds(10), tls);
  HttpClient server(server_host, server_port, std::chrono::seconds(10), server_tls);
  std::mt19937_64 rng(std::random_device{}());
  bool all_ok = true;

  for (int id : options.accounts) {
    std::string trace_id = RandomHex(rng, 2);
    std::string caller_span = RandomHex(rng, 1);
    Clock::time_point sent = Clock::now();
    HttpResponse response = target.Get(path + "/accounts/" + std::to_string(id),
                                       {{"b3", trace_id + "-" + caller_span + "-1"}});
    std::string body_error = CheckAccountBody(response, id, options);
    if (!body_error.empty()) {
      std::cout << "FAIL account " << id << " response: " << body_error << "\n";
      all_ok = false;
      continue;
    }
    std::cout << "ok   account " << id << " answered in "
              << std::chrono::duration<double, std::milli>(Clock::now() - sent).count()
              << " ms\n";
    if (options.responses_only) continue;
    cairn::tools::TraceTableExpectations expected{options.through_edge, id == 10000, caller_span,
                                                  options.quote_fallback,
                                                  options.image_fallback};
    Clock::duration waited{};
    auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(options.timeout_s));
    std::vector<std::string> failures = AwaitTrace(server, trace_id, expected, deadline, waited);
    double waited_ms = std::chrono::duration<double, std::milli>(waited).count();
    if (failures.empty()) {
      std::cout << "ok   trace " << trace_id << " matches the trace table (complete after "
                << waited_ms << " ms)\n";
    } else {
      all_ok = false;
      for (const std::string& failure : failures) {
        std::cout << "FAIL trace " << trace_id << ": " << failure << "\n";
      }
    }
  }

  // An unknown account: 404 with a JSON error body.
  HttpResponse missing = target.Get(path + "/accounts/99");
  if (missing.status == 404 && missing.content_type.find("application/json") != std::string::npos) {
    std::cout << "ok   unknown account answers 404 with a JSON body\n";
  } else {
    std::cout << "FAIL unknown account: HTTP " << missing.status << " " << missing.error
              << missing.body << "\n";
    all_ok = false;
  }
  std::cout << (all_ok ? "landscape-check: all checks held\n" : "landscape-check: FAILED\n");
  return all_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Checks the running landscape's answers and traces against spec landscape.md"};
  app.add_option("--target", options.target,
                 "where requests go: accountservice (http://host:6767) or the edge "
                 "(https://host:8765/api)");
  app.add_option("--server", options.server, "cairn-server's URL");
  app.add_option("--accounts", options.accounts, "account ids to request");
  app.add_flag("--through-edge", options.through_edge, "expect the edge-server rows");
  app.add_flag("--quote-fallback", options.quote_fallback, "expect quotes-service's fallback");
  app.add_flag("--image-fallback", options.image_fallback, "expect imageservice's fallback");
  app.add_flag("--responses-only", options.responses_only,
               "check the answers only (cairn-server is down)");
  app.add_option("--timeout", options.timeout_s, "seconds to wait for each trace")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  return Run(options);
}
