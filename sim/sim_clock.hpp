// SimClock: the store's Clock on the kernel's virtual time.
#pragma once

#include "sim/kernel.hpp"
#include "store/clock.hpp"

namespace connsim::sim {

class SimClock final : public store::Clock {
 public:
  explicit SimClock(Kernel& kernel) : kernel_(kernel) {}
  store::Duration now() const override { return kernel_.now(); }
  store::Task<void> sleep(store::Duration delay) override;

 private:
  Kernel& kernel_;
};

}  // namespace connsim::sim
