// DeadlineList: timeouts for sockets owned by one thread, enforced by a watchdog instead of a timer
// per operation (the approach session.cc takes, as a reusable part for single-threaded workers).
//
// A Deadline is embedded in a connection object and registered in its thread's DeadlineList for as
// long as it lives. Each I/O phase arms it (a clock read and a store); the watchdog coroutine
// (Run) wakes every `tick`, and closes the socket of every armed deadline that passed, which makes
// the pending operation complete with an error; the owner then sees `fired()` and reports a
// timeout. A timeout therefore fires up to one tick late.
//
// Thread-safety: none. A DeadlineList and all its Deadlines belong to one thread (the thread that
// runs their io_context); create, arm and destroy them only there. The list must outlive its
// deadlines and Run must stop (Stop, or the io_context stopping) before the list is destroyed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace cairn::net {

class DeadlineList;

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  // Registers in `list`; `socket` is what the watchdog closes when the deadline passes.
  Deadline(DeadlineList& list, boost::asio::ip::tcp::socket& socket);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  // The deadline becomes now + timeout; clears fired().
  void Arm(std::chrono::nanoseconds timeout) { ArmAt(Clock::now() + timeout); }
  void ArmAt(Clock::time_point when) {
    deadline_ = when.time_since_epoch().count();
    fired_ = false;
  }
  void Disarm() { deadline_ = kNever; }
  bool armed() const { return deadline_ != kNever; }
  // True when the watchdog closed the socket because this deadline passed (since the last Arm).
  bool fired() const { return fired_; }

 private:
  friend class DeadlineList;
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

  DeadlineList* list_;
  boost::asio::ip::tcp::socket* socket_;
  Deadline* prev_ = nullptr;
  Deadline* next_ = nullptr;
  std::int64_t deadline_ = kNever;
  bool fired_ = false;
};

class DeadlineList {
 public:
  DeadlineList() = default;
  DeadlineList(const DeadlineList&) = delete;
  DeadlineList& operator=(const DeadlineList&) = delete;

  // Closes the socket of every deadline before `now` and marks it fired (and disarmed).
  void Sweep(Deadline::Clock::time_point now);

  // The watchdog: sweeps every `tick` until Stop() or the io_context stops.
  boost::asio::awaitable<void> Run(std::chrono::milliseconds tick);
  void Stop();

  std::size_t size() const { return size_; }

 private:
  friend class Deadline;
  void Add(Deadline* d);
  void Remove(Deadline* d);

  Deadline* head_ = nullptr;
  std::size_t size_ = 0;
  boost::asio::steady_timer* timer_ = nullptr;
  bool stopped_ = false;
};

}  // namespace cairn::net
