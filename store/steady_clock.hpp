// SteadyClock: the production Clock, on std::chrono::steady_clock and an Asio timer.
#pragma once

#include "store/clock.hpp"

namespace connsim::store {

class SteadyClock final : public Clock {
 public:
  Duration now() const override;
  Task<void> sleep(Duration delay) override;
};

}  // namespace connsim::store
