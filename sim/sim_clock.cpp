#include "sim/sim_clock.hpp"

namespace connsim::sim {

store::Task<void> SimClock::sleep(store::Duration delay) { return kernel_.sleep(delay); }

}  // namespace connsim::sim
