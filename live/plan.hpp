// The live run's plan: what the conductor (js/live/conductor.js) needs to build and drive one
// scenario on real libp2p nodes, as JSON. NAT mixes are drawn from the seed as the simulation
// draws them (scenarios::build_world_config), so a live run and a simulated run of the same
// file and seed put the same NAT in front of each wallet.
//
// Plan (every time in milliseconds):
//   {name, seed, until_ms, quiet_ms, store_dir, link_binary, latency: {kind, ms | min_ms, max_ms |
//    median_ms, p99_ms}, loss,
//    bootstrap: {first_peer_exchange_ms, peer_exchange_interval_ms, presence_ttl_ms},
//    relays: [{id, max_reservations, reservation_ttl_ms, reservation_ends_on_disconnect,
//              circuit_duration_ms, circuit_bytes, access_latency_ms}],
//    store_binary,
//    wallets: [{id, peer_id, nickname?, nat: {public_host, mapping, filtering,
//               mapping_timeout_ms}, relays: [relay index], webrtc, online_at_ms,
//               inbound_limit, relay_reconnect, access_latency_ms, store: "js"|"cpp",
//               store_options, broadcast_skips_relay,
//               shared_wallets: [{id, participants: [{peer_id}]}]}],
//    timeline: [{at_ms, index, run, do, wallet_index?, peer_id?, peer_ids?, shared_wallet?,
//                recipient?, amount_sats?, relay_index?, for_ms?, latency?, loss?,
//                between?: [[{wallet: i} | {relay: k}], [...]]}]   (repeats expanded, by time)
//    getters: [{expectation, wallet_index, getter, peer?, at_ms (null: the end)}]}
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "scenarios/model.hpp"

namespace connsim::live {

struct PlanOptions {
  std::string store_dir;  // the JavaScript store the wallets run (absolute)
  std::string link_binary;  // connsim-live-link, the userspace link (live/link/)
  std::string store_binary;  // connsim-live-store, the C++ store of a live wallet (live/store_host/)
  /// --store: every wallet's store implementation; unset: live_store_of() per wallet.
  std::optional<sim::StoreImplementation> store;
  /// A live run ends this long after the last report once every step and getter is done
  /// (or at `until`, whichever is first).
  std::chrono::milliseconds quiet{3000};
};

/// Which store a wallet runs live: `forced` (--store) when given, else the C++ store when its
/// `store.implementation` says "cpp" as written, else the JavaScript store (live mode's
/// default, unlike the simulation's: docs/LIVE.md).
sim::StoreImplementation live_store_of(const scenarios::Wallet& wallet, std::optional<sim::StoreImplementation> forced);

nlohmann::json make_plan(const scenarios::Scenario& scenario, std::uint64_t seed, const PlanOptions& options);

/// Why `scenario` cannot run live as written (a relay_reconnect other than none for a wallet on
/// only some of the relays), or nothing.
std::optional<std::string> unsupported_in_live(const scenarios::Scenario& scenario);

}  // namespace connsim::live
