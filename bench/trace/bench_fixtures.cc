#include "bench/trace/bench_fixtures.h"

namespace cairn::bench {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a == b) return true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

void HeaderArray::Add(const Header& header) {
  std::string& name = names_[count_];
  name.assign(header.name);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  values_[count_] = header.value;
  ++count_;
}

std::size_t HeaderArray::Get(std::string_view name, std::string_view* values,
                             std::size_t max) const {
  std::size_t found = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    if (names_[i] != name) continue;
    if (found < max) values[found] = values_[i];
    ++found;
  }
  return found;
}

void HeaderSlots::Set(std::string_view name, std::string_view value) {
  Slot* match = nullptr;
  for (std::size_t i = 0; i < count_ && match == nullptr; ++i) {
    if (EqualsIgnoreCase(slots_[i].name, name)) match = &slots_[i];
  }
  if (match == nullptr) {
    if (count_ == slots_.size()) return;  // more headers than any propagation format writes
    match = &slots_[count_++];
    match->name.assign(name);
  }
  match->value.assign(value);
}

std::string_view HeaderSlots::Find(std::string_view name) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (EqualsIgnoreCase(slots_[i].name, name)) return slots_[i].value;
  }
  return {};
}

void FillTypicalSpan(trace::SpanRecord& span) {
  span.trace_id = {0x463ac35c9f6413adULL, 0x48485a3953bb6124ULL};
  span.parent_id = 0x0020000000000001ULL;
  span.id = 0xa2fb4a1d1a96d312ULL;
  span.kind = trace::SpanKind::kClient;
  span.SetName("get /api/quotes/{id}");
  span.timestamp_us = 1'700'000'000'123'456;
  span.duration_us = 2'345;
  span.SetLocalEndpoint({"accountservice", "10.0.0.12", "", 6767});
  span.SetRemoteEndpoint({"quotes-service", "10.0.0.17", "", 8080});
  span.AddAnnotation(span.timestamp_us + 12, "ws");
  span.AddAnnotation(span.timestamp_us + 2'300, "wr");
  span.SetTag("http.method", "GET");
  span.SetTag("http.path", "/api/quotes/42");
  span.SetTag("http.status_code", "200");
}

}  // namespace cairn::bench
