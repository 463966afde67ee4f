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
//   activity-event-text  every activity event has the seed's form for its type: info
//                        "Connecting to <name>...", peer_joined "Connected to <name>... via <type>",
//                        error "Failed to connect to <name>...: <error>", where <name> is the peer's
//                        nickname or the first 12 characters of its peer id.
//   online-peers-mirror  at the end, each onlinePeers entry of a peer whose last status write
//                        (since the store started) came after the entry was last (re)created by a
//                        presence delivery holds that write's status and connection type.
//   connect-concurrency  a wallet never has more connectToPresence calls under way than its steps
//                        allow: 1 per connect, min(concurrency.limit, peers) per connect_many
//                        (batch and window alike). Checked for wallets whose connect steps do not
//                        repeat and that take part in no propose_spend.
//   retry-exhaustion     a connect that fails under a fixed, exponential or exponential-jitter
//                        policy made exactly retry.max_attempts attempts (connects that overlap
//                        another connect to the same peer or a reload, and wallets whose
//                        musig2.cancel_on_timeout cancels connects, are not judged).
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
#include "store/retry_policy.hpp"
#include "store/p2p_store.hpp"

namespace connsim::sim {
class World;
class WalletNode;
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
  std::optional<std::string> nickname;  // shown in others' activity messages instead of the peer id
  store::RetryPolicy retry;
  int concurrency_limit = 3;
  /// musig2.cancel_on_timeout: a signing session's timeout cancels its connects mid-retry.
  bool cancels_connects = false;
};

/// One step run that makes a wallet connect (the step's last run; concurrency checks only
/// non-repeated steps).
struct ConnectStepSpan {
  std::size_t wallet = 0;
  Duration started{};
  std::optional<Duration> finished;  // nullopt: still running at the end, or abandoned
  std::size_t cap = 1;               // connects it may run at once
};

/// One entry of a store's onlinePeers at the end of the run.
struct OnlinePeerEntry {
  store::PeerId peer;
  std::optional<store::ConnectionStatus> status;
  std::optional<store::ConnectionType> type;
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
  /// Each wallet's feed at the end, newest first; nullopt: unknown (then only its size is checked).
  std::vector<std::optional<std::vector<store::ActivityEvent>>> feeds;
  /// Each wallet's onlinePeers at the end (at least the entries of peers it wrote a status for);
  /// nullopt: unknown (the mirror is not checked).
  std::vector<std::optional<std::vector<OnlinePeerEntry>>> online_peers;
  /// The connect step runs, per connect-concurrency; wallets listed here are not judged.
  std::vector<ConnectStepSpan> connect_steps;
  std::vector<bool> concurrency_unknown;  // per wallet; empty: no wallet judged
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
std::vector<InvariantViolation> check_activity_event_text(const InvariantInput& input);
std::vector<InvariantViolation> check_online_peers_mirror(const InvariantInput& input);
std::vector<InvariantViolation> check_connect_concurrency(const InvariantInput& input);
std::vector<InvariantViolation> check_retry_exhaustion(const InvariantInput& input);

/// Every invariant above, in that order; at most `max_per_invariant` violations each (then one
/// "... and N more").
std::vector<InvariantViolation> check_invariants(const InvariantInput& input,
                                                 std::size_t max_per_invariant = 5);

/// What the invariants need from a finished run: the scenario's rules and relay limits, the
/// report's records and history, the world's feed sizes and relayed connections.
InvariantInput observe_run(const Scenario& scenario, const RunReport& report, const sim::World& world);

/// The connect step runs of a finished run, for connect-concurrency (scenarios/invariants_store.cpp).
void observe_connect_steps(const Scenario& scenario, const RunReport& report, InvariantInput& input);

/// A wallet's onlinePeers entries at the end for the peers it wrote a status for (the only ones
/// the online-peers-mirror invariant judges); nullopt when its stores cannot show them.
std::optional<std::vector<OnlinePeerEntry>> online_peer_entries(const sim::WalletNode& node);

/// Appends each violation to report.failures as "/invariants/<name>" and marks the run failed.
void append_invariant_failures(RunReport& report, const std::vector<InvariantViolation>& violations);

}  // namespace connsim::scenarios
