#include "lib/trace_http/testing_collector.h"

#include <boost/beast/http/status.hpp>

namespace cairn::trace_http::testing {

namespace http = boost::beast::http;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string RecordedRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

bool RecordedRequest::HasHeader(std::string_view name) const {
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.first, name)) return true;
  }
  return false;
}

RecordingCollector::RecordingCollector()
    : server_([this](const Request& request, const RequestInfo& info) {
        return Handle(request, info);
      }) {}

RecordingCollector::~RecordingCollector() { server_.Stop(); }

Status RecordingCollector::Start(std::uint16_t port) { return server_.Start(port); }
void RecordingCollector::Stop() { server_.Stop(); }

void RecordingCollector::SetResponse(unsigned status, std::string body) {
  std::lock_guard<std::mutex> lock(mu_);
  status_ = status;
  body_ = std::move(body);
}

std::vector<RecordedRequest> RecordingCollector::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::size_t RecordingCollector::RequestCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

bool RecordingCollector::WaitForRequests(std::size_t count,
                                         std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return recorded_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

void RecordingCollector::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

Response RecordingCollector::Handle(const Request& request, const RequestInfo& info) {
  RecordedRequest record;
  record.connection_id = info.connection_id;
  record.method = std::string(request.method_string());
  record.target = std::string(request.target());
  for (const auto& field : request) {
    record.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  record.body = request.body();
  Response response;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(std::move(record));
    response.result(status_);
    response.body() = body_;
  }
  recorded_.notify_all();
  if (!response.body().empty()) response.set(http::field::content_type, "text/plain");
  return response;
}

}  // namespace cairn::trace_http::testing
