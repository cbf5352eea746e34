#include "lib/net/deadline_list.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cairn::net {

Deadline::Deadline(DeadlineList& list, boost::asio::ip::tcp::socket& socket)
    : list_(&list), socket_(&socket) {
  list_->Add(this);
}

Deadline::~Deadline() { list_->Remove(this); }

void DeadlineList::Add(Deadline* d) {
  d->next_ = head_;
  if (head_ != nullptr) head_->prev_ = d;
  head_ = d;
  ++size_;
}

void DeadlineList::Remove(Deadline* d) {
  if (d->prev_ != nullptr) {
    d->prev_->next_ = d->next_;
  } else {
    head_ = d->next_;
  }
  if (d->next_ != nullptr) d->next_->prev_ = d->prev_;
  d->prev_ = d->next_ = nullptr;
  --size_;
}

void DeadlineList::Sweep(Deadline::Clock::time_point now) {
  const std::int64_t ticks = now.time_since_epoch().count();
  for (Deadline* d = head_; d != nullptr; d = d->next_) {
    if (d->deadline_ <= ticks) {
      d->deadline_ = Deadline::kNever;
      d->fired_ = true;
      boost::system::error_code ignored;
      d->socket_->close(ignored);
    }
  }
}

boost::asio::awaitable<void> DeadlineList::Run(std::chrono::milliseconds tick) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer_ = &timer;
  while (!stopped_) {
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec || stopped_) break;
    Sweep(Deadline::Clock::now());
  }
  timer_ = nullptr;
}

void DeadlineList::Stop() {
  stopped_ = true;
  if (timer_ != nullptr) timer_->cancel();
}

}  // namespace cairn::net
