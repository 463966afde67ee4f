// Builds the simulator's WorldConfig from a loaded Scenario. The scenario already holds the
// world's settings types (sim/config.hpp); what is left is resolving relay and wallet ids into
// indices and drawing each NAT `mix` from the seed (one stream per wallet, so a wallet's draw
// does not depend on the others).
#pragma once

#include <cstdint>

#include "scenarios/model.hpp"
#include "sim/config.hpp"

namespace connsim::scenarios {

/// The world for `scenario` under run seed `seed` (the scenario's own, or --seed).
sim::WorldConfig build_world_config(const Scenario& scenario, std::uint64_t seed);

}  // namespace connsim::scenarios
