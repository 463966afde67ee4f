// Drawing one concrete scenario from a space: a run seed decides everything (wallets, NATs,
// relays, store options, actions, faults), so the same space and seed always give the same
// scenario. The result is a scenario document (`connsim/1`) that `connsim run` loads as written:
// what explore runs is exactly what a file reproduces.
//
// Liveness probes (when the space's `liveness` is true): after every drawn fault and action has
// ended, the draw adds up to two `connect` steps ("live-connect-N", "live-reach-N") from one
// online wallet to another that is surely reachable through a relay, each with the expectation
// {"result": id, "success": true}. A probe is drawn only when the draw can tell the target is
// reachable (scenarios/FORMAT.md, "Liveness properties"): no loss anywhere, no partition that
// touched either wallet or the relay, the target's reservation on a usable relay either never
// lost or renewed by its reconnect schedule (keep-alive: the relay was back within 28 s of going
// down; an interval: back plus the interval; or the wallet rejoined after the relay came back),
// and the probe and its whole retry span end before `until`. "live-reach" marks a probe whose
// target lost its reservation and renewed it (the relay came back); "live-connect" one whose
// target kept it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/explore/space.hpp"

namespace connsim::scenarios::explore {

/// The seed of run `index` of an exploration started with `base_seed` (splitmix64 of both).
std::uint64_t run_seed(std::uint64_t base_seed, std::uint64_t index);

/// The scenario that `seed` draws from `space`; its name is "<space name>-<seed>" and its
/// `seed` is `seed`.
nlohmann::json draw_scenario(const Space& space, std::uint64_t seed);

/// The step id prefixes of the liveness probes and the properties they check.
inline constexpr std::string_view kProbeConnectPrefix = "live-connect-";
inline constexpr std::string_view kProbeReachPrefix = "live-reach-";

}  // namespace connsim::scenarios::explore
