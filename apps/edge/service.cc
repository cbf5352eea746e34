#include "apps/edge/service.h"

namespace cairn::edge {

namespace {

// A cheap per-thread random number (xorshift), for least-request's two random choices.
std::uint64_t NextRandom() {
  thread_local std::uint64_t state =
      0x9E3779B97F4A7C15ULL ^ reinterpret_cast<std::uintptr_t>(&state);
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

Service::Service(const ServiceConfig& config, ServiceMetrics& metrics)
    : config_(config), metrics_(metrics), hosts_(config.hosts.size()) {
  for (std::size_t i = 0; i < hosts_.size(); ++i) hosts_[i].config = &config_.hosts[i];
}

bool Service::IsEjected(const HostState& h, Clock::time_point now) const {
  const std::int64_t until = h.ejected_until.load(std::memory_order_relaxed);
  return until != 0 && now.time_since_epoch().count() < until;
}

std::size_t Service::EjectedCount(Clock::time_point now) const {
  std::size_t n = 0;
  for (const HostState& h : hosts_) n += IsEjected(h, now) ? 1 : 0;
  return n;
}

HostState* Service::Pick(std::uint64_t tried, Clock::time_point now) {
  const std::size_t n = hosts_.size();
  if (n == 1) return Available(hosts_[0], now) ? &hosts_[0] : nullptr;
  auto untried = [&](std::size_t i) { return i >= 64 || (tried & (1ULL << i)) == 0; };
  if (config_.lb == LbPolicy::kLeastRequest) {
    // Power of two choices among available hosts, preferring untried ones.
    HostState* best = nullptr;
    for (int pass = 0; pass < 2 && best == nullptr; ++pass) {
      for (int choice = 0; choice < 2; ++choice) {
        for (std::size_t probe = 0; probe < n; ++probe) {
          std::size_t i = (NextRandom() + probe) % n;
          HostState& h = hosts_[i];
          if (!Available(h, now) || (pass == 0 && !untried(i))) continue;
          if (best == nullptr || h.active_requests.load(std::memory_order_relaxed) <
                                     best->active_requests.load(std::memory_order_relaxed)) {
            best = &h;
          }
          break;
        }
      }
    }
    return best;
  }
  // A retry looks on from where the rotation is without moving it, so that a dead host does not
  // stay first in line for every request.
  const std::uint64_t start = tried == 0 ? rr_.fetch_add(1, std::memory_order_relaxed)
                                         : rr_.load(std::memory_order_relaxed);
  HostState* fallback = nullptr;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t i = (start + k) % n;
    if (!Available(hosts_[i], now)) continue;
    if (untried(i)) return &hosts_[i];
    if (fallback == nullptr) fallback = &hosts_[i];
  }
  return fallback;
}

void Service::ReportSuccess(HostState& host) {
  if (host.consecutive_failures.load(std::memory_order_relaxed) != 0) {
    host.consecutive_failures.store(0, std::memory_order_relaxed);
  }
}

bool Service::ReportFailure(HostState& host, Clock::time_point now) {
  const OutlierConfig& o = config_.outlier;
  if (!o.enabled) return false;
  const int failures = host.consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1;
  if (failures < o.consecutive_failures || IsEjected(host, now)) return false;
  const std::size_t max_ejected =
      hosts_.size() * static_cast<std::size_t>(o.max_ejection_percent) / 100;
  if (EjectedCount(now) >= max_ejected) return false;
  const std::int64_t until = (now + std::chrono::duration_cast<Clock::duration>(o.ejection_time))
                                 .time_since_epoch()
                                 .count();
  std::int64_t previous = host.ejected_until.load(std::memory_order_relaxed);
  // Only one thread ejects: the one that moves the deadline forward from a past value.
  if (!host.ejected_until.compare_exchange_strong(previous, until, std::memory_order_relaxed)) {
    return false;
  }
  host.consecutive_failures.store(0, std::memory_order_relaxed);
  metrics_.ejections->Increment();
  return true;
}

bool Service::TryStartRequest() {
  const auto limit = static_cast<std::int64_t>(config_.circuit_breaker.max_requests);
  if (active_requests_.fetch_add(1, std::memory_order_relaxed) >= limit) {
    active_requests_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

bool Service::TryStartPending() {
  const auto limit = static_cast<std::int64_t>(config_.circuit_breaker.max_pending_requests);
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

}  // namespace cairn::edge
