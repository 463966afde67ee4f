#include "tests/support/manual_clock.hpp"

#include <algorithm>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace connsim::testing {

namespace asio = boost::asio;

ManualClock::ManualClock(asio::io_context& io, Duration start) : io_(io), now_(start) {}

ManualClock::~ManualClock() {
  // Destroying a suspended coroutine's handler posts its unwinding to the io_context, which must
  // therefore outlive this clock (declare the io_context first).
  sleepers_.clear();
}

store::Task<void> ManualClock::sleep(Duration delay) {
  co_await asio::async_initiate<decltype(asio::use_awaitable), void(boost::system::error_code)>(
      [this, delay](auto handler) {
        store::Executor executor = asio::get_associated_executor(handler, io_.get_executor());
        if (delay <= Duration::zero()) {
          fire(Sleeper{Handler(std::move(handler)), std::move(executor)}, {});
          return;
        }
        const Key key{now_ + delay, next_sequence_++};
        // Type-erase first: any_completion_handler takes over the original slot and exposes a
        // slot of its own, which is where the cancellation handler must go.
        Handler erased(std::move(handler));
        auto slot = erased.get_cancellation_slot();
        if (slot.is_connected()) {
          slot.assign([this, key](asio::cancellation_type) { cancel(key); });
        }
        sleepers_.emplace(key, Sleeper{std::move(erased), std::move(executor)});
      },
      asio::use_awaitable);
}

void ManualClock::fire(Sleeper sleeper, boost::system::error_code ec) {
  asio::post(sleeper.executor,
             [handler = std::move(sleeper.handler), ec]() mutable { std::move(handler)(ec); });
}

void ManualClock::cancel(Key key) {
  // Runs inside the slot's own handler: the slot is left as it is (clearing it here would
  // destroy the running handler); a later emit finds nothing to cancel.
  auto it = sleepers_.find(key);
  if (it == sleepers_.end()) return;
  Sleeper sleeper = std::move(it->second);
  sleepers_.erase(it);
  fire(std::move(sleeper), asio::error::operation_aborted);
}

void ManualClock::run_until_idle() {
  for (;;) {
    io_.restart();
    if (io_.poll() == 0) break;
  }
  io_.restart();
}

std::optional<Duration> ManualClock::next_due() const {
  if (sleepers_.empty()) return std::nullopt;
  return sleepers_.begin()->first.first;
}

void ManualClock::advance(Duration delay) {
  advance_to(now_ + std::max(delay, Duration::zero()));
}

void ManualClock::advance_to(Duration time) {
  run_until_idle();
  while (!sleepers_.empty() && sleepers_.begin()->first.first <= time) {
    auto node = sleepers_.extract(sleepers_.begin());
    now_ = std::max(now_, node.key().first);
    Sleeper sleeper = std::move(node.mapped());
    auto slot = sleeper.handler.get_cancellation_slot();
    if (slot.is_connected()) slot.clear();
    ++fired_;
    fire(std::move(sleeper), {});
    run_until_idle();
  }
  now_ = std::max(now_, time);
  run_until_idle();
}

bool ManualClock::advance_to_next() {
  auto due = next_due();
  if (!due) {
    run_until_idle();
    return false;
  }
  advance_to(*due);
  return true;
}

bool ManualClock::run_until(const std::function<bool()>& done, Duration limit) {
  const Duration end = now_ + limit;
  run_until_idle();
  while (!done()) {
    auto due = next_due();
    if (!due || *due > end) break;
    advance_to(*due);
  }
  return done();
}

}  // namespace connsim::testing
