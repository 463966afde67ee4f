#include "live/store_host/run_clock.hpp"

#include <algorithm>

namespace connsim::live {

void RunClock::start_at(double start_epoch_ms) {
  if (zero_) return;
  const auto steady_now = std::chrono::steady_clock::now();
  const double epoch_now_ms =
      std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto since_start = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(epoch_now_ms - start_epoch_ms));
  zero_ = steady_now - since_start;
}

store::Duration RunClock::now() const {
  if (!zero_) return store::Duration::zero();
  const auto elapsed = std::chrono::duration_cast<store::Duration>(std::chrono::steady_clock::now() - *zero_);
  return std::max(store::Duration::zero(), elapsed);
}

}  // namespace connsim::live
