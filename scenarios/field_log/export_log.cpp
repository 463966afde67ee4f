#include "scenarios/field_log/export_log.hpp"

#include <type_traits>
#include <variant>

namespace connsim::scenarios::field_log {

std::vector<LogPeer> scenario_peers(const Scenario& scenario, const std::vector<LogEntry>& entries) {
  return peers_of(entries, [&](const std::string& peer) -> std::optional<std::string> {
    for (const auto& w : scenario.wallets) {
      if (w.peer_id == peer) return w.nickname;
    }
    return std::nullopt;
  });
}

FieldLog export_from_history(const Scenario& scenario, const RunReport& report, std::string_view wallet) {
  FieldLog log;
  log.name = std::string(wallet);
  log.peer_id = std::string(wallet);
  for (const auto& w : scenario.wallets) {
    if (w.id == wallet) log.peer_id = w.peer_id;
  }
  for (const sim::HistoryEntry& h : report.history) {
    const std::string* subject = h.wallet();
    if (subject == nullptr || *subject != wallet) continue;
    LogEntry entry;
    entry.t_ms = std::chrono::duration_cast<std::chrono::milliseconds>(h.at).count();
    const bool kept = std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, sim::StatusWritten>) {
            entry.kind = EntryKind::status;
            entry.peer = e.peer;
            entry.status = std::string(store::to_string(e.status.status));
            if (e.status.connection_type) entry.connection_type = std::string(store::to_string(*e.status.connection_type));
            entry.error = e.status.error;
            return true;
          } else if constexpr (std::is_same_v<T, sim::EventAdded>) {
            entry.kind = EntryKind::activity;
            entry.type = e.type;
            entry.message = e.message;
            return true;
          } else if constexpr (std::is_same_v<T, sim::ConnectFinished>) {
            entry.kind = EntryKind::connect;
            entry.peer = e.peer;
            entry.success = e.result.success;
            entry.connection_type = std::string(store::to_string(e.result.connection_type));
            entry.error = e.result.error;
            return true;
          } else if constexpr (std::is_same_v<T, sim::SessionChanged>) {
            entry.kind = EntryKind::session;
            entry.session_id = e.session_id;
            entry.state = std::string(store::to_string(e.state));
            entry.failure = e.failure;
            return true;
          } else {
            return false;
          }
        },
        h.what);
    if (kept) log.entries.push_back(std::move(entry));
  }
  log.peers = scenario_peers(scenario, log.entries);
  return log;
}

}  // namespace connsim::scenarios::field_log
