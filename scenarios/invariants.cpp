#include "scenarios/invariants.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <variant>

#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"
#include "sim/store_front.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::scenarios {

namespace {

using store::ConnectionStatus;

/// The seed's _addActivityEvent keeps the newest 50 (a scenario cannot change it).
constexpr std::size_t kActivityFeedLimit = 50;

std::string at(Duration time) { return sim::format_time(time); }

std::string status_name(ConnectionStatus status) { return std::string(store::to_string(status)); }

/// Walks the history in order with, for each entry about a wallet, the wallet's index and the
/// record that entry was written with (the k-th status entry of a wallet is its k-th status
/// record, and so on: both are written by the same observer call).
class HistoryWalk {
 public:
  explicit HistoryWalk(const InvariantInput& input) : input_(input) {
    for (std::size_t w = 0; w < input.wallets.size(); ++w) index_.emplace(input.wallets[w].id, w);
    status_seen_.assign(input.wallets.size(), 0);
    event_seen_.assign(input.wallets.size(), 0);
    connect_seen_.assign(input.wallets.size(), 0);
  }

  struct Visitor {
    std::function<void(std::size_t wallet, const sim::StatusWrite&)> status;
    std::function<void(std::size_t wallet, const sim::EventRecord&)> event;
    std::function<void(std::size_t wallet, const sim::ConnectRecord&)> connect;
    std::function<void(std::size_t wallet, const sim::LifecycleChanged&)> lifecycle;
  };

  void run(const Visitor& visit) {
    for (const sim::HistoryEntry& entry : input_.history) {
      std::visit([&](const auto& what) { step(what, visit); }, entry.what);
    }
  }

 private:
  /// The wallet's index and records, or nullopt for a wallet not in the input.
  std::optional<std::size_t> wallet_index(const std::string& id) const {
    const auto found = index_.find(id);
    if (found == index_.end() || found->second >= input_.records.size()) return std::nullopt;
    return found->second;
  }

  /// Hands `visit` the wallet's next record in `list`: the one written with this entry.
  template <class Record>
  void next(const std::string& wallet, std::vector<Record> sim::WalletRecords::*list,
            std::vector<std::size_t>& seen, const std::function<void(std::size_t, const Record&)>& visit) {
    const auto w = wallet_index(wallet);
    if (!w) return;
    const std::vector<Record>& records = input_.records[*w].*list;
    if (seen[*w] < records.size() && visit) visit(*w, records[seen[*w]]);
    ++seen[*w];
  }

  void step(const sim::StatusWritten& what, const Visitor& visit) {
    next(what.wallet, &sim::WalletRecords::statuses, status_seen_, visit.status);
  }
  void step(const sim::EventAdded& what, const Visitor& visit) {
    next(what.wallet, &sim::WalletRecords::events, event_seen_, visit.event);
  }
  void step(const sim::ConnectFinished& what, const Visitor& visit) {
    next(what.wallet, &sim::WalletRecords::connects, connect_seen_, visit.connect);
  }
  void step(const sim::LifecycleChanged& what, const Visitor& visit) {
    const auto w = wallet_index(what.wallet);
    if (w && visit.lifecycle) visit.lifecycle(*w, what);
  }
  template <class Other>
  void step(const Other&, const Visitor&) {}

  const InvariantInput& input_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::size_t> status_seen_;
  std::vector<std::size_t> event_seen_;
  std::vector<std::size_t> connect_seen_;
};

bool is_reload(const sim::LifecycleChanged& entry) { return entry.change == sim::LifecycleChange::reload; }
bool is_offline(const sim::LifecycleChanged& entry) { return entry.change == sim::LifecycleChange::offline; }
bool is_online(const sim::LifecycleChanged& entry) { return entry.change == sim::LifecycleChange::online; }

}  // namespace

// --- status-machine ---------------------------------------------------------------------------

std::vector<InvariantViolation> check_status_machine(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  struct PeerState {
    int pending = 0;        // 'connecting' written, final status not yet
    int unfinished = 0;     // final status written, the connect's end not yet recorded
    std::optional<ConnectionStatus> last;
  };
  std::vector<std::map<store::PeerId, PeerState>> state(input.wallets.size());
  const auto violation = [&](std::size_t w, std::string message) {
    out.push_back({"status-machine", input.wallets[w].id + ": " + std::move(message)});
  };
  const auto apply = [&](std::size_t w, const sim::StatusWrite& write) {
    PeerState& peer = state[w][write.peer];
    const WalletRules& rules = input.wallets[w];
    const ConnectionStatus status = write.status.status;
    switch (status) {
      case ConnectionStatus::connecting: ++peer.pending; break;
      case ConnectionStatus::connected:
      case ConnectionStatus::failed:
        if (peer.pending == 0) {
          violation(w, at(write.at) + " wrote '" + status_name(status) + "' for " + write.peer +
                           " with no connect under way (no 'connecting' before it)");
        } else {
          --peer.pending;
        }
        ++peer.unfinished;  // reported once: the connect's end matches this write
        break;
      case ConnectionStatus::disconnected: {
        const bool was_connected = peer.last == ConnectionStatus::connected;
        const bool by_presence = rules.presence_update == store::PresenceUpdate::merge_reset && !was_connected;
        const bool by_close = rules.mark_disconnected_on_close && was_connected;
        if (!by_presence && !by_close) {
          violation(w, at(write.at) + " wrote 'disconnected' for " + write.peer + " after " +
                           (peer.last ? "'" + status_name(*peer.last) + "'" : std::string("nothing")) +
                           ": no documented path (presence_update merge-reset over a status that is "
                           "not 'connected', or mark_disconnected_on_close over 'connected')");
        }
        break;
      }
    }
    peer.last = status;
  };

  if (!input.history_kept || input.history.empty()) {
    for (std::size_t w = 0; w < input.wallets.size() && w < input.records.size(); ++w) {
      for (const auto& write : input.records[w].statuses) apply(w, write);
    }
    return out;
  }
  HistoryWalk walk(input);
  HistoryWalk::Visitor visit;
  visit.status = apply;
  visit.connect = [&](std::size_t w, const sim::ConnectRecord& connect) {
    PeerState& peer = state[w][connect.peer];
    if (peer.unfinished == 0) {
      violation(w, "connect to " + connect.peer + " ended at " + at(connect.finished) +
                       " without writing 'connected' or 'failed'");
    } else {
      --peer.unfinished;
    }
  };
  visit.lifecycle = [&](std::size_t w, const sim::LifecycleChanged& entry) {
    if (is_reload(entry)) state[w].clear();  // a fresh process, a fresh store
  };
  walk.run(visit);
  return out;
}

// --- activity-feed-limit ----------------------------------------------------------------------

/// Whether two feed entries are the same event: type, peer, message and time.
bool same_event(const store::ActivityEvent& a, const store::ActivityEvent& b) {
  return a.type == b.type && a.peer_id == b.peer_id && a.message == b.message && a.timestamp == b.timestamp;
}

std::string describe_event(const store::ActivityEvent& event) {
  return event.type + " \"" + event.message + "\" at " + std::to_string(event.timestamp) + " ms";
}

std::vector<InvariantViolation> check_activity_feed_limit(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  // Per wallet, the events its current store added (since the last reload), oldest first.
  std::vector<std::vector<const sim::EventRecord*>> since_reload(input.wallets.size());
  const bool counted = input.history_kept && !input.history.empty();
  if (counted) {
    HistoryWalk walk(input);
    HistoryWalk::Visitor visit;
    visit.event = [&](std::size_t w, const sim::EventRecord& event) { since_reload[w].push_back(&event); };
    visit.lifecycle = [&](std::size_t w, const sim::LifecycleChanged& entry) {
      if (is_reload(entry)) since_reload[w].clear();
    };
    walk.run(visit);
  }
  for (std::size_t w = 0; w < input.wallets.size() && w < input.feed_sizes.size(); ++w) {
    if (!input.feed_sizes[w]) continue;
    const std::size_t size = *input.feed_sizes[w];
    const std::size_t limit = input.wallets[w].activity_feed_limit;
    const std::size_t added = since_reload[w].size();
    if (size > limit) {
      out.push_back({"activity-feed-limit", input.wallets[w].id + ": the activity feed holds " +
                                                std::to_string(size) + " events, more than " +
                                                std::to_string(limit)});
    } else if (counted && size != std::min(added, limit)) {
      out.push_back({"activity-feed-limit",
                     input.wallets[w].id + ": the activity feed holds " + std::to_string(size) +
                         " events; the store added " + std::to_string(added) +
                         " since it started, so it should keep " + std::to_string(std::min(added, limit))});
    } else if (counted && w < input.feeds.size() && input.feeds[w]) {
      // Exactly the newest, newest first.
      const auto& feed = *input.feeds[w];
      for (std::size_t k = 0; k < feed.size() && k < added; ++k) {
        const store::ActivityEvent& expected = since_reload[w][added - 1 - k]->event;
        if (same_event(feed[k], expected)) continue;
        out.push_back({"activity-feed-limit",
                       input.wallets[w].id + ": activity feed entry " + std::to_string(k) +
                           " (newest first) is " + describe_event(feed[k]) + ", but the " +
                           std::to_string(k + 1) + "th newest event added is " + describe_event(expected)});
        break;
      }
    }
  }
  return out;
}

// --- relay-circuit-limits ---------------------------------------------------------------------

std::vector<InvariantViolation> check_relay_circuit_limits(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  std::vector<const CircuitObservation*> circuits;
  for (const auto& circuit : input.circuits) circuits.push_back(&circuit);
  std::sort(circuits.begin(), circuits.end(),
            [](const auto* a, const auto* b) { return a->id < b->id; });
  for (const CircuitObservation* c : circuits) {
    if (c->relay >= input.relays.size()) continue;
    const RelayLimits& relay = input.relays[c->relay];
    const std::string name = "circuit #" + std::to_string(c->id) + " (" + c->between + " via " + relay.id + ")";
    const auto violation = [&](std::string message) {
      out.push_back({"relay-circuit-limits", name + " " + std::move(message)});
    };
    if (relay.circuit_bytes > 0) {
      const std::uint64_t counted = relay.bytes_both_directions
                                        ? c->carried_forward + c->carried_backward
                                        : std::max(c->carried_forward, c->carried_backward);
      if (counted > relay.circuit_bytes) {
        violation("carried " + std::to_string(counted) + " bytes (" +
                  (relay.bytes_both_directions ? "both directions" : "one direction") +
                  "), more than circuit_bytes " + std::to_string(relay.circuit_bytes));
      }
    }
    if (relay.circuit_duration > Duration::zero()) {
      const Duration deadline = c->opened_at + relay.circuit_duration;
      if (c->last_carried && *c->last_carried > deadline) {
        violation("carried data at " + at(*c->last_carried) + ", after its circuit_duration ended at " +
                  at(deadline));
      }
      const Duration closed = c->closed_at.value_or(input.until);
      if (closed > deadline && (c->closed_at || input.until > deadline)) {
        violation(std::string(c->closed_at ? "closed at " + at(*c->closed_at) : "was still open at the end") +
                  ", after its circuit_duration ended at " + at(deadline));
      }
    }
  }
  return out;
}

// --- no-activity-while-offline ----------------------------------------------------------------

std::vector<InvariantViolation> check_no_activity_while_offline(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  if (!input.history_kept || input.history.empty()) return out;
  std::vector<bool> online(input.wallets.size(), false);
  HistoryWalk walk(input);
  HistoryWalk::Visitor visit;
  visit.lifecycle = [&](std::size_t w, const sim::LifecycleChanged& entry) {
    if (is_online(entry)) online[w] = true;
    if (is_offline(entry) || is_reload(entry)) online[w] = false;
  };
  // A step may ask an offline wallet to connect (its app still runs), and a connect may be under
  // way when the wallet leaves: the feed then records the attempt and its failure. Anything
  // else while offline means something reached a wallet that is off the network.
  visit.event = [&](std::size_t w, const sim::EventRecord& event) {
    if (online[w] || event.event.type == "info" || event.event.type == "error") return;
    out.push_back({"no-activity-while-offline",
                   input.wallets[w].id + ": activity event at " + at(event.at) + " while offline: " +
                       event.event.type + " \"" + event.event.message + "\""});
  };
  visit.status = [&](std::size_t w, const sim::StatusWrite& write) {
    if (online[w] || write.status.status != ConnectionStatus::connected) return;
    out.push_back({"no-activity-while-offline", input.wallets[w].id + ": wrote 'connected' for " +
                                                    write.peer + " at " + at(write.at) +
                                                    " while offline"});
  };
  walk.run(visit);
  return out;
}

// --- time-never-goes-back ---------------------------------------------------------------------

std::vector<InvariantViolation> check_time_never_goes_back(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  const auto violation = [&](std::string message) {
    out.push_back({"time-never-goes-back", std::move(message)});
  };
  Duration previous = Duration::zero();
  for (std::size_t i = 0; i < input.history.size(); ++i) {
    const sim::HistoryEntry& entry = input.history[i];
    if (entry.at < previous) {
      violation("history entry " + std::to_string(i) + " (" + sim::History::format(entry) +
                ") comes after one at " + at(previous));
    }
    if (entry.at < Duration::zero() || entry.at > input.until) {
      violation("history entry " + std::to_string(i) + " (" + sim::History::format(entry) +
                ") lies outside the run [0, " + at(input.until) + "]");
    }
    previous = std::max(previous, entry.at);
  }
  for (std::size_t w = 0; w < input.records.size() && w < input.wallets.size(); ++w) {
    const sim::WalletRecords& r = input.records[w];
    const std::string& id = input.wallets[w].id;
    const auto ordered = [&](const auto& list, const char* what) {
      for (std::size_t k = 1; k < list.size(); ++k) {
        if (list[k].at < list[k - 1].at) {
          violation(id + ": " + what + " " + std::to_string(k) + " at " + at(list[k].at) +
                    " comes after one at " + at(list[k - 1].at));
          return;
        }
      }
    };
    ordered(r.statuses, "status write");
    ordered(r.events, "activity event");
    ordered(r.sessions, "session change");
    for (const auto& attempt : r.attempts) {
      if (attempt.finished < attempt.started) {
        violation(id + ": attempt to " + attempt.peer + " ended at " + at(attempt.finished) +
                  " before it began at " + at(attempt.started));
      }
    }
    for (const auto& connect : r.connects) {
      if (connect.finished < connect.started) {
        violation(id + ": connect to " + connect.peer + " ended at " + at(connect.finished) +
                  " before it began at " + at(connect.started));
      }
    }
  }
  return out;
}

// --- all --------------------------------------------------------------------------------------

std::vector<InvariantViolation> check_invariants(const InvariantInput& input, std::size_t max_per_invariant) {
  std::vector<InvariantViolation> out;
  for (auto* check : {check_status_machine, check_activity_feed_limit, check_relay_circuit_limits,
                      check_no_activity_while_offline, check_time_never_goes_back,
                      check_activity_event_text, check_online_peers_mirror, check_connect_concurrency,
                      check_retry_exhaustion}) {
    std::vector<InvariantViolation> found = check(input);
    if (found.size() > max_per_invariant) {
      const std::size_t more = found.size() - max_per_invariant;
      const std::string name = found.front().invariant;
      found.resize(max_per_invariant);
      found.push_back({name, "... and " + std::to_string(more) + " more"});
    }
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

InvariantInput observe_run(const Scenario& scenario, const RunReport& report, const sim::World& world) {
  InvariantInput input;
  input.until = scenario.until;
  for (std::size_t w = 0; w < world.wallet_count(); ++w) {
    const sim::WalletConfig& config = world.wallet_config(w);
    WalletRules rules;
    rules.id = config.id;
    rules.peer_id = config.peer_id;
    rules.presence_update = config.store.p2p.presence_update;
    rules.mark_disconnected_on_close = config.store.p2p.mark_disconnected_on_close;
    rules.activity_feed_limit = kActivityFeedLimit;
    rules.nickname = config.nickname;
    rules.retry = config.store.p2p.retry;
    rules.concurrency_limit = config.store.p2p.concurrency.limit;
    rules.cancels_connects = config.store.musig2.cancel_on_timeout;
    input.wallets.push_back(std::move(rules));
    input.feed_sizes.push_back(sim::activity_feed_size(world.wallet(w)));
    input.feeds.push_back(sim::activity_feed(world.wallet(w)));
    input.online_peers.push_back(online_peer_entries(world.wallet(w)));
  }
  observe_connect_steps(scenario, report, input);
  input.records = report.records;
  input.history = report.history;
  input.history_kept = world.history().keeps_entries();
  for (const Relay& relay : scenario.network.relays) {
    input.relays.push_back(RelayLimits{relay.id, relay.circuit_duration, relay.circuit_bytes,
                                       relay.circuit_byte_counting == sim::CircuitByteCounting::both_directions});
  }
  for (const auto& [id, connection] : world.connections()) {
    if (!connection.relay) continue;
    CircuitObservation c;
    c.id = id;
    c.relay = *connection.relay;
    c.between = world.wallet_config(connection.dialer).id + " -> " + world.wallet_config(connection.listener).id;
    c.opened_at = connection.opened_at;
    c.closed_at = connection.closed_at;
    c.carried_forward = connection.carried_forward;
    c.carried_backward = connection.carried_backward;
    c.last_carried = connection.last_carried;
    input.circuits.push_back(std::move(c));
  }
  return input;
}

void append_invariant_failures(RunReport& report, const std::vector<InvariantViolation>& violations) {
  for (const auto& violation : violations) {
    Failure failure;
    failure.expectation = 0;
    failure.pointer = "/invariants/" + violation.invariant;
    failure.summary = "invariant " + violation.invariant + ": " + violation.message;
    report.failures.push_back(std::move(failure));
  }
  if (!violations.empty()) report.passed = false;
}

}  // namespace connsim::scenarios
