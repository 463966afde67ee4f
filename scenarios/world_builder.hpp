// Builds the simulator's WorldConfig from a loaded Scenario: knobs mapped one to one, relay ids
// and shared wallets turned into indices, and each NAT `mix` drawn from the seed (one stream
// per wallet, so a wallet's draw does not depend on the others).
#pragma once

#include <cstdint>

#include "scenarios/model.hpp"
#include "sim/config.hpp"

namespace connsim::scenarios {

sim::LatencyModel to_latency_model(const LatencySpec& spec);
sim::NatConfig to_nat_config(const NatBehavior& nat);

/// The world for `scenario` under run seed `seed` (the scenario's own, or --seed).
sim::WorldConfig build_world_config(const Scenario& scenario, std::uint64_t seed);

}  // namespace connsim::scenarios
