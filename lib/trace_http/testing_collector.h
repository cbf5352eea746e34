// RecordingCollector: a fake Zipkin collector for tests (not part of the library).
//
// A TestHttpServer that records every request (connection, method, target, headers, body) and
// answers a configurable status (202 Accepted by default, like Zipkin's POST /api/v2/spans). It
// can be slowed down (response delay), stopped and started again on the same port, to test
// senders and reporters against a collector that is slow, rejecting, down, or back.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/trace_http/testing_server.h"

namespace cairn::trace_http::testing {

struct RecordedRequest {
  std::uint64_t connection_id = 0;
  std::string method;                                        // "POST"
  std::string target;                                        // "/api/v2/spans"
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;

  // The first value of a header (case-insensitive name), or "" when absent.
  std::string Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

class RecordingCollector {
 public:
  RecordingCollector();
  ~RecordingCollector();

  // See TestHttpServer::Start: port 0 reuses the previous port after a Stop.
  Status Start(std::uint16_t port = 0);
  void Stop();

  std::uint16_t port() const { return server_.port(); }
  // "http://127.0.0.1:<port>/api/v2/spans"
  std::string SpansUrl() const { return server_.BaseUrl() + "/api/v2/spans"; }

  // The answer to every following request.
  void SetResponse(unsigned status, std::string body = {});
  void set_response_delay(std::chrono::milliseconds delay) { server_.set_response_delay(delay); }

  std::vector<RecordedRequest> Requests() const;
  std::size_t RequestCount() const;
  // Waits until at least `count` requests were recorded; false on timeout.
  bool WaitForRequests(std::size_t count, std::chrono::milliseconds timeout) const;
  std::uint64_t connections_accepted() const { return server_.connections_accepted(); }
  void Clear();

 private:
  Response Handle(const Request& request, const RequestInfo& info);

  mutable std::mutex mu_;
  mutable std::condition_variable recorded_;
  std::vector<RecordedRequest> requests_;
  unsigned status_ = 202;
  std::string body_;
  TestHttpServer server_;  // last: stopped first, while the rest is alive
};

}  // namespace cairn::trace_http::testing
