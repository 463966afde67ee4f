// The built-in invariants about the store's own contract (scenarios/invariants.hpp): the text of
// its activity events, the onlinePeers mirror of its status writes, the concurrency of
// connectToMultiplePeers and the retry policy's attempt count.
#include <algorithm>
#include <map>
#include <unordered_map>
#include <variant>

#include "scenarios/invariants.hpp"
#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"
#include "sim/store_front.hpp"

namespace connsim::scenarios {
namespace {

using store::ConnectionStatus;

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

/// The times at which each wallet reloaded, in order.
std::vector<std::vector<Duration>> reload_times(const InvariantInput& input) {
  std::vector<std::vector<Duration>> out(input.wallets.size());
  std::map<std::string, std::size_t> index;
  for (std::size_t w = 0; w < input.wallets.size(); ++w) index.emplace(input.wallets[w].id, w);
  for (const sim::HistoryEntry& entry : input.history) {
    const auto* change = std::get_if<sim::LifecycleChanged>(&entry.what);
    if (change == nullptr || change->change != sim::LifecycleChange::reload) continue;
    const auto found = index.find(change->wallet);
    if (found != index.end()) out[found->second].push_back(entry.at);
  }
  return out;
}

/// The nicknames of each peer id's wallets, in wallet order: built once per check, so that the
/// check stays linear in the events (a 100,000-wallet run has millions of them).
using NicknamesByPeer = std::unordered_map<store::PeerId, std::vector<std::string>>;

NicknamesByPeer nicknames_by_peer(const InvariantInput& input) {
  NicknamesByPeer out;
  for (const auto& wallet : input.wallets) {
    if (wallet.nickname) out[wallet.peer_id].push_back(*wallet.nickname);
  }
  return out;
}

/// `<name>` of the seed's messages for a peer: the first 12 characters of its peer id, then
/// its wallet's nickname (either may appear).
std::vector<std::string> names_of(const NicknamesByPeer& nicknames, const store::PeerId& peer) {
  std::vector<std::string> names{peer.substr(0, 12)};
  const auto found = nicknames.find(peer);
  if (found != nicknames.end()) names.insert(names.end(), found->second.begin(), found->second.end());
  return names;
}

std::string type_name(const std::optional<store::ConnectionType>& type) {
  return type ? std::string(store::to_string(*type)) : "none";
}

}  // namespace

// --- activity-event-text ----------------------------------------------------------------------

std::vector<InvariantViolation> check_activity_event_text(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  const NicknamesByPeer nicknames = nicknames_by_peer(input);
  for (std::size_t w = 0; w < input.wallets.size() && w < input.records.size(); ++w) {
    for (const sim::EventRecord& record : input.records[w].events) {
      const store::ActivityEvent& event = record.event;
      bool ok = false;
      for (const std::string& name : names_of(nicknames, event.peer_id)) {
        if (event.type == "info") {
          ok = event.message == "Connecting to " + name + "...";
        } else if (event.type == "peer_joined") {
          const std::string head = "Connected to " + name + "... via ";
          const std::string type = starts_with(event.message, head) ? event.message.substr(head.size()) : "";
          ok = type == "webrtc" || type == "relay" || type == "direct" || type == "undefined";
        } else if (event.type == "error") {
          ok = starts_with(event.message, "Failed to connect to " + name + "...: ");
        }
        if (ok) break;
      }
      if (ok) continue;
      out.push_back({"activity-event-text", input.wallets[w].id + ": activity event at " + sim::format_time(record.at) +
                                                " is " + event.type + " \"" + event.message +
                                                "\", not the seed's text for that type"});
    }
  }
  return out;
}

// --- online-peers-mirror ----------------------------------------------------------------------

std::vector<InvariantViolation> check_online_peers_mirror(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  if (!input.history_kept || input.history.empty()) return out;
  const auto reloads = reload_times(input);
  for (std::size_t w = 0; w < input.wallets.size() && w < input.online_peers.size(); ++w) {
    if (!input.online_peers[w] || w >= input.records.size()) continue;
    const sim::WalletRecords& records = input.records[w];
    const Duration started = reloads[w].empty() ? Duration::zero() : reloads[w].back();
    for (const OnlinePeerEntry& entry : *input.online_peers[w]) {
      // The last write for this peer by the current store.
      const sim::StatusWrite* last = nullptr;
      for (const auto& write : records.statuses) {
        if (write.peer == entry.peer && write.at >= started) last = &write;
      }
      if (last == nullptr) continue;
      // A write at the same instant as a reload or a delivery cannot be ordered against it.
      if (last->at == started && !reloads[w].empty()) continue;
      const auto delivered = records.presence_after_status.find(entry.peer);
      if (delivered != records.presence_after_status.end() && delivered->second >= last->at) continue;
      if (entry.status == last->status.status && entry.type == last->status.connection_type) continue;
      out.push_back({"online-peers-mirror",
                     input.wallets[w].id + ": onlinePeers entry of " + entry.peer + " holds " +
                         (entry.status ? "'" + std::string(store::to_string(*entry.status)) + "'" : std::string("no status")) +
                         " " + type_name(entry.type) + ", but the last status written for it, at " +
                         sim::format_time(last->at) + ", is '" + std::string(store::to_string(last->status.status)) +
                         "' " + type_name(last->status.connection_type)});
    }
  }
  return out;
}

// --- connect-concurrency ----------------------------------------------------------------------

std::vector<InvariantViolation> check_connect_concurrency(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  for (std::size_t w = 0; w < input.wallets.size() && w < input.records.size(); ++w) {
    if (w >= input.concurrency_unknown.size() || input.concurrency_unknown[w]) continue;
    const auto& connects = input.records[w].connects;
    for (const sim::ConnectRecord& at_start : connects) {
      const Duration t = at_start.started;
      std::size_t running = 0;
      for (const auto& other : connects) {
        if (other.started <= t && t < other.finished) ++running;
      }
      std::size_t allowed = 0;
      for (const auto& step : input.connect_steps) {
        if (step.wallet == w && step.started <= t && (!step.finished || t <= *step.finished)) allowed += step.cap;
      }
      if (running <= allowed) continue;
      out.push_back({"connect-concurrency",
                     input.wallets[w].id + ": " + std::to_string(running) + " connects under way at " +
                         sim::format_time(t) + ", but its running steps allow " + std::to_string(allowed) +
                         " (concurrency.limit " + std::to_string(input.wallets[w].concurrency_limit) + ")"});
      break;
    }
  }
  return out;
}

void observe_connect_steps(const Scenario& scenario, const RunReport& report, InvariantInput& input) {
  std::map<std::string, std::size_t> index;
  for (std::size_t w = 0; w < input.wallets.size(); ++w) index.emplace(input.wallets[w].id, w);
  input.concurrency_unknown.assign(input.wallets.size(), false);
  const auto mark_unknown = [&](const std::string& id) {
    const auto found = index.find(id);
    if (found != index.end()) input.concurrency_unknown[found->second] = true;
  };
  for (const Step& step : scenario.timeline) {
    if (const auto* spend = std::get_if<ProposeSpendAction>(&step.action)) {
      mark_unknown(spend->wallet);
      for (const auto& shared : scenario.shared_wallets) {
        if (shared.id != spend->shared_wallet) continue;
        for (const auto& participant : shared.participants) mark_unknown(participant);
      }
    }
  }
  for (const Step& step : scenario.timeline) {
    std::string wallet;
    std::size_t cap = 1;
    if (const auto* connect = std::get_if<ConnectAction>(&step.action)) {
      wallet = connect->wallet;
    } else if (const auto* many = std::get_if<ConnectManyAction>(&step.action)) {
      wallet = many->wallet;
      const auto found = index.find(wallet);
      const int limit = found == index.end() ? 1 : input.wallets[found->second].concurrency_limit;
      cap = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, limit)), many->peers.size());
    } else {
      continue;
    }
    if (step.repeat) {
      mark_unknown(wallet);
      continue;
    }
    const auto found = index.find(wallet);
    if (found == index.end() || step.index >= report.steps.size()) continue;
    const StepOutcome& outcome = report.steps[step.index];
    if (outcome.runs == 0) continue;
    ConnectStepSpan span;
    span.wallet = found->second;
    span.started = outcome.started;
    if (outcome.finished && !outcome.abandoned) span.finished = outcome.finished_at;
    span.cap = cap;
    input.connect_steps.push_back(span);
  }
}

// --- retry-exhaustion -------------------------------------------------------------------------

std::vector<InvariantViolation> check_retry_exhaustion(const InvariantInput& input) {
  std::vector<InvariantViolation> out;
  const auto reloads = reload_times(input);
  for (std::size_t w = 0; w < input.wallets.size() && w < input.records.size(); ++w) {
    const store::RetryPolicy& retry = input.wallets[w].retry;
    if (retry.kind == store::RetryKind::deadline_bounded || input.wallets[w].cancels_connects) continue;
    const auto& connects = input.records[w].connects;
    const auto& statuses = input.records[w].statuses;
    for (const sim::ConnectRecord& connect : connects) {
      if (connect.result.success || connect.attempts == retry.max_attempts) continue;
      // Another connect to the same peer under way meanwhile (recorded or not: one cut short by
      // a reload leaves no record, only its 'connecting' write) shares the attempt count.
      const bool overlapped =
          std::any_of(connects.begin(), connects.end(), [&](const sim::ConnectRecord& other) {
            return &other != &connect && other.peer == connect.peer && other.started <= connect.finished &&
                   connect.started <= other.finished;
          }) ||
          std::count_if(statuses.begin(), statuses.end(), [&](const sim::StatusWrite& write) {
            return write.peer == connect.peer && write.status.status == ConnectionStatus::connecting &&
                   connect.started <= write.at && write.at <= connect.finished;
          }) > 1;
      const bool reloaded = std::any_of(reloads[w].begin(), reloads[w].end(), [&](Duration at) {
        return connect.started <= at && at <= connect.finished;
      });
      if (overlapped || reloaded) continue;
      out.push_back({"retry-exhaustion", input.wallets[w].id + ": connect to " + connect.peer + " from " +
                                             sim::format_time(connect.started) + " failed after " +
                                             std::to_string(connect.attempts) + " attempts; retry.max_attempts is " +
                                             std::to_string(retry.max_attempts)});
    }
  }
  return out;
}

std::optional<std::vector<OnlinePeerEntry>> online_peer_entries(const sim::WalletNode& node) {
  const auto peers = sim::online_peers(node);
  if (!peers) return std::nullopt;
  // Only the peers the wallet wrote a status for: the online-peers-mirror invariant judges no
  // other entry, and copying every entry of every store (10^8 at 10,000 wallets online together)
  // would cost more memory than the run.
  const auto& written = node.records().status_peers;
  std::vector<OnlinePeerEntry> out;
  for (const store::OnlinePeer& peer : *peers) {
    if (written.count(peer.peer_id()) == 0) continue;
    out.push_back({peer.peer_id(), peer.connection_status, peer.connection_type});
  }
  return out;
}

}  // namespace connsim::scenarios
