// Built-in invariants: properties every run must have, whatever its scenario expects. The runner
// checks them after each run and fails the run (pointer "/invariants/<name>", with the seed) when
// one breaks. Each is a plain function over what a run leaves behind, so a test can hand-build
// records that break it.
//
//   status-machine       every connectToPresence writes 'connecting' first, then exactly one of
//                        'connected' / 'failed' (the write precedes the connect's end);
//                        'disconnected' only by a documented path: presence_update "merge-reset"
//                        over a status that is not 'connected', or mark_disconnected_on_close
//                        over 'connected'. A reload starts a fresh store (counts reset).
//   activity-feed-limit  the store's feed holds at most activity_feed_limit (50) events, and
//                        exactly min(events since the last reload, limit).
//   relay-circuit-limits a relayed connection carries at most its relay's circuit_bytes
//                        (counted per direction for go, over both for js) and nothing after
//                        circuit_duration, and is closed by then.
//   no-activity-while-offline  between going offline (or reloading) and its next 'online', a
//                        wallet's store records nothing but connects that fail: 'info'
//                        (Connecting...) and 'error' events only, no 'peer_joined' and no
//                        'connected' write. (Strictly no event at all does not hold: a step may
//                        ask an offline wallet to connect, and its app, still running, records
//                        the attempt and its failure; so may a connect under way when it left.)
//   time-never-goes-back history entries are in time order, within [0, until]; each wallet's
//                        records too; every attempt and connect ends no earlier than it began.
//
// The history-based checks need the run's history entries (RunOptions::keep_history); without
// them only the record-based parts run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sim/history.hpp"
#include "sim/records.hpp"
#include "store/p2p_store.hpp"

namespace connsim::sim {
class World;
}

namespace connsim::scenarios {

using store::Duration;

struct Scenario;
struct RunReport;

/// The store rules of one wallet that the status machine and the feed limit depend on.
struct WalletRules {
  std::string id;      // the history's subject for this wallet
  store::PeerId peer_id;
  store::PresenceUpdate presence_update = store::PresenceUpdate::replace;
  bool mark_disconnected_on_close = false;
  std::size_t activity_feed_limit = 50;
};

/// One relay's circuit limits; 0 = no limit.
struct RelayLimits {
  std::string id;
  Duration circuit_duration{};
  std::uint64_t circuit_bytes = 0;
  bool bytes_both_directions = false;  // js
};

/// One relayed connection as the world saw it.
struct CircuitObservation {
  std::uint64_t id = 0;
  std::size_t relay = 0;  // index into InvariantInput::relays
  std::string between;    // "alice -> bob", for messages
  Duration opened_at{};
  std::optional<Duration> closed_at;
  std::uint64_t carried_forward = 0;
  std::uint64_t carried_backward = 0;
  std::optional<Duration> last_carried;
};

struct InvariantInput {
  Duration until{};
  std::vector<WalletRules> wallets;                   // per wallet index
  std::span<const sim::WalletRecords> records;        // per wallet index
  std::span<const sim::HistoryEntry> history;         // empty when not kept
  bool history_kept = true;
  /// Each wallet's store feed size at the end of the run (its current process); nullopt: unknown.
  std::vector<std::optional<std::size_t>> feed_sizes;
  std::vector<RelayLimits> relays;
  std::vector<CircuitObservation> circuits;
};

struct InvariantViolation {
  std::string invariant;  // "status-machine", ...
  std::string message;    // one line
};

std::vector<InvariantViolation> check_status_machine(const InvariantInput& input);
std::vector<InvariantViolation> check_activity_feed_limit(const InvariantInput& input);
std::vector<InvariantViolation> check_relay_circuit_limits(const InvariantInput& input);
std::vector<InvariantViolation> check_no_activity_while_offline(const InvariantInput& input);
std::vector<InvariantViolation> check_time_never_goes_back(const InvariantInput& input);

/// Every invariant above, in that order; at most `max_per_invariant` violations each (then one
/// "... and N more").
std::vector<InvariantViolation> check_invariants(const InvariantInput& input,
                                                 std::size_t max_per_invariant = 5);

/// What the invariants need from a finished run: the scenario's rules and relay limits, the
/// report's records and history, the world's feed sizes and relayed connections.
InvariantInput observe_run(const Scenario& scenario, const RunReport& report, const sim::World& world);

/// Appends each violation to report.failures as "/invariants/<name>" and marks the run failed.
void append_invariant_failures(RunReport& report, const std::vector<InvariantViolation>& violations);

}  // namespace connsim::scenarios
