// RunClock: the store's Clock in a live run. Time is the run's wall-clock time since t = 0 (the
// conductor's start epoch, which every process of the run shares), so the store's own
// timestamps and the times of its reports line up with every other report of the run; waits
// are Asio steady timers (SteadyClock). Until the run's start is known the clock reads 0:
// nothing of the scenario happens before t = 0, and the clock never goes back.
#pragma once

#include <chrono>
#include <optional>

#include "store/clock.hpp"
#include "store/steady_clock.hpp"

namespace connsim::live {

class RunClock final : public store::Clock {
 public:
  /// t = 0 is `start_epoch_ms`, milliseconds since the Unix epoch (fractional, as JavaScript's
  /// performance.timeOrigin + performance.now()). Only the first call counts.
  void start_at(double start_epoch_ms);
  bool started() const { return zero_.has_value(); }

  store::Duration now() const override;
  store::Task<void> sleep(store::Duration delay) override { return steady_.sleep(delay); }

 private:
  store::SteadyClock steady_;
  std::optional<std::chrono::steady_clock::time_point> zero_;  // the steady time of t = 0
};

}  // namespace connsim::live
