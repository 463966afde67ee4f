// ManualClock: a store::Clock whose time moves only when a test says so.
//
// now() is the manual time. sleep(d) suspends the awaiting coroutine until advance() reaches
// now() + d; sleepers due at the same time wake in the order they went to sleep. Each wake-up is
// posted to the sleeper's executor and the io_context is then run until idle, so a coroutine
// observes exactly the virtual time it was due at before the next sleeper fires. No wall clock
// is ever read or waited on.
//
// A sleep whose coroutine is cancelled (an Asio cancellation slot bound to it fires) completes
// with boost::asio::error::operation_aborted, as a steady_timer wait would.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "store/clock.hpp"

namespace connsim::testing {

using store::Duration;

class ManualClock final : public store::Clock {
 public:
  /// `io` runs every coroutine under test; `start` is the initial now().
  explicit ManualClock(boost::asio::io_context& io, Duration start = Duration::zero());
  ~ManualClock() override;
  ManualClock(const ManualClock&) = delete;
  ManualClock& operator=(const ManualClock&) = delete;

  Duration now() const override { return now_; }
  store::Task<void> sleep(Duration delay) override;

  /// Runs the io_context until no handler is ready. Time does not move.
  void run_until_idle();
  /// Moves time forward by `delay`, waking every sleeper due by then in time order (FIFO among
  /// equal times) and running the io_context until idle after each wake-up and at the end.
  void advance(Duration delay);
  /// advance() to an absolute time; a time in the past only runs until idle.
  void advance_to(Duration time);
  /// Wakes the earliest sleeper (moving time to its due time) and runs until idle. Returns false
  /// when no sleeper is pending (and then only runs until idle).
  bool advance_to_next();
  /// Advances sleeper by sleeper until `done()` holds, no sleeper is left, or time would pass
  /// `limit` (measured from the call). Returns done().
  bool run_until(const std::function<bool()>& done, Duration limit = std::chrono::hours(24));

  std::size_t pending_sleepers() const { return sleepers_.size(); }
  std::optional<Duration> next_due() const;
  /// Sleeps completed by advance() so far (cancelled ones excluded).
  std::uint64_t fired() const { return fired_; }

  boost::asio::io_context& io() { return io_; }

 private:
  using Key = std::pair<Duration, std::uint64_t>;  // due time, then arrival order
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  struct Sleeper {
    Handler handler;
    store::Executor executor;  // the sleeper's associated executor: where it resumes
  };

  void fire(Sleeper sleeper, boost::system::error_code ec);
  void cancel(Key key);

  boost::asio::io_context& io_;
  Duration now_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t fired_ = 0;
  std::map<Key, Sleeper> sleepers_;
};

}  // namespace connsim::testing
