// The liveness probes' preconditions, judged on a scenario document (so that the draw and the
// shrinker agree): a probe is a `connect` step from a dialer to a target whose success the
// scenario guarantees (scenarios/FORMAT.md, "Liveness properties"):
//   - no loss anywhere (network.loss and every set_network), every other step and its retries
//     over at least 30 s before the probe, and the probe's own retries over before `until`;
//   - neither wallet partitioned, NAT-rebound, offline at the probe, or run by the JavaScript
//     store; the target holds a reservation on a relay with room for every wallet and circuit
//     limits that cannot cut a connect (circuit_duration 0 or >= 60 s, circuit_bytes 0 or
//     >= 131072), never partitioned;
//   - that reservation was never lost (Reach::kept) or was renewed (Reach::renewed): each time
//     the relay was down while the target was online, the target rejoined after the relay came
//     back, or its relay_reconnect is keep-alive and the relay was down at most 28 s (the last
//     redial is 31 s after the loss), or it is an interval (a redial each interval until reserved;
//     the probe is then at least the interval plus 30 s after the relay came back).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scenarios/model.hpp"

namespace connsim::scenarios::explore {

enum class Reach { unknown, kept, renewed };

/// Upper bound of one connectToPresence under a wallet's `store` object: every attempt runs to
/// js-libp2p's 10 s dial timeout (plus slack), with the longest waits between attempts.
Duration retry_span(const nlohmann::json& store);

/// When the scenario's steps, other than the probes, have all ended (faults' `for` and
/// repeats included, each connect-like step plus its wallet's retry span).
Duration quiet_from(const nlohmann::json& scenario);

/// Whether `target` surely holds a usable relay reservation from `at` on, and how.
Reach target_reach(const nlohmann::json& scenario, const std::string& target, Duration at);

/// Whether the probe step with id `probe_id` (a connect) is guaranteed to succeed in `scenario`.
bool probe_guaranteed(const nlohmann::json& scenario, const std::string& probe_id);

/// Whether a step id names a probe.
bool is_probe_id(const std::string& id);

}  // namespace connsim::scenarios::explore
