// Clock: the store's only source of time. Production uses SteadyClock; the simulator its
// virtual clock; tests a ManualClock. The store never reads std::chrono clocks itself.
#pragma once

#include <chrono>

#include "store/async.hpp"
#include "store/types.hpp"

namespace connsim::store {

using Duration = std::chrono::nanoseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  /// Time since the clock's epoch. Never goes back.
  virtual Duration now() const = 0;
  /// Completes once `delay` has passed (immediately-ish for delay <= 0), on the executor of
  /// the awaiting coroutine.
  virtual Task<void> sleep(Duration delay) = 0;

  /// JavaScript's Date.now(): whole milliseconds since the epoch.
  EpochMs now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now()).count();
  }
};

}  // namespace connsim::store
