// The HTML report's data: what a run recorded, per scenario, in the compact arrays that
// scenarios/html/report.js draws (times in milliseconds of virtual time).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/report_html.hpp"
#include "store/network.hpp"

namespace connsim::scenarios {

namespace {

using nlohmann::json;

/// Milliseconds, rounded to the microsecond (keeps the page small and the numbers exact enough).
double ms(Duration at) { return std::round(static_cast<double>(at.count()) / 1e3) / 1e3; }

std::string type_text(store::ConnectionType type) { return std::string(store::to_string(type)); }

/// Peers are written as the wallet's index when the peer id is a wallet's, else as the id.
class PeerNames {
 public:
  explicit PeerNames(const RunReport& report) {
    for (std::size_t w = 0; w < report.wallet_peer_ids.size(); ++w) by_peer_id_.emplace(report.wallet_peer_ids[w], w);
    for (std::size_t w = 0; w < report.wallet_ids.size(); ++w) by_wallet_id_.emplace(report.wallet_ids[w], w);
  }
  json peer(const std::string& peer_id) const {
    const auto it = by_peer_id_.find(peer_id);
    return it == by_peer_id_.end() ? json(peer_id) : json(it->second);
  }
  std::optional<std::size_t> wallet(const std::string& wallet_id) const {
    const auto it = by_wallet_id_.find(wallet_id);
    return it == by_wallet_id_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
  }

 private:
  std::map<std::string, std::size_t> by_peer_id_;
  std::map<std::string, std::size_t> by_wallet_id_;
};

/// Which rung of the ladder a dial was.
std::string rung_of(const sim::DialRecord& dial) {
  if (dial.relay_helper) return "relay-helper";
  if (store::is_webrtc_address(dial.target)) return "webrtc";
  if (store::is_circuit_address(dial.target)) return "relay";
  return "direct";
}

/// The time before which every item is kept, when a scenario has more items than the budget.
std::optional<Duration> cut_off(const RunReport& report, std::size_t budget, std::size_t& total) {
  std::vector<Duration> starts;
  for (const auto& records : report.records) {
    for (const auto& x : records.statuses) starts.push_back(x.at);
    for (const auto& x : records.events) starts.push_back(x.at);
    for (const auto& x : records.connects) starts.push_back(x.started);
    for (const auto& x : records.attempts) starts.push_back(x.started);
    for (const auto& x : records.dials) starts.push_back(x.started);
    for (const auto& x : records.sessions) starts.push_back(x.at);
  }
  total = starts.size();
  if (starts.size() <= budget) return std::nullopt;
  std::nth_element(starts.begin(), starts.begin() + static_cast<std::ptrdiff_t>(budget), starts.end());
  return starts[budget];  // items starting strictly before it number at most `budget`
}

// --- the history's faults, steps and offline spells -----------------------------------------------
// The history is read here only; these three accessors are the one place that reads an entry as
// its rendered text (kind, subject, detail).

sim::HistoryKind kind_of(const sim::HistoryEntry& entry) { return entry.kind(); }
std::string subject_of(const sim::HistoryEntry& entry) { return entry.subject_text(); }
std::string detail_of(const sim::HistoryEntry& entry) { return entry.detail_text(); }

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

/// The words of `text` split on spaces.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find(' ', at), text.size());
    if (end > at) out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

struct OpenBand {
  Duration start;
  std::string label;
  json lanes;
};

/// Faults as bands (a partition until its heal, a relay down until up) or instants (a dropped
/// connection, a NAT rebind, a network change), each with the lanes it affects (null: all).
json faults_of(const RunReport& report, const PeerNames& names, Duration until) {
  json faults = json::array();
  std::map<std::string, OpenBand> open;  // "partition #N" or "relay <id>"
  auto close_band = [&](const std::string& key, Duration end) {
    const auto it = open.find(key);
    if (it == open.end()) return;
    faults.push_back({{"t0", ms(it->second.start)}, {"t1", ms(end)}, {"label", it->second.label}, {"lanes", it->second.lanes}});
    open.erase(it);
  };
  auto instant = [&](Duration at, const std::string& label, json lanes) {
    faults.push_back({{"t0", ms(at)}, {"t1", nullptr}, {"label", label}, {"lanes", std::move(lanes)}});
  };
  for (const auto& entry : report.history) {
    if (kind_of(entry) != sim::HistoryKind::fault) continue;
    const std::string& subject = subject_of(entry);
    const std::string& detail = detail_of(entry);
    const std::string label = subject + " " + detail;
    const auto wallet = names.wallet(subject);
    if (subject == "network" && starts_with(detail, "partition #")) {
      const std::string id = detail.substr(0, detail.find(' ', 10));
      json lanes = json::array();
      const auto colon = detail.find("):");
      if (colon != std::string::npos) {
        for (const auto& host : words(detail.substr(colon + 2))) {
          if (const auto w = names.wallet(host)) lanes.push_back(*w);
        }
      }
      open[id] = OpenBand{entry.at, label, std::move(lanes)};
    } else if (subject == "network" && starts_with(detail, "heal all")) {
      std::vector<std::string> keys;
      for (const auto& [key, band] : open) {
        if (starts_with(key, "partition #")) keys.push_back(key);
      }
      for (const auto& key : keys) close_band(key, entry.at);
    } else if (subject == "network" && starts_with(detail, "heal #")) {
      close_band("partition #" + detail.substr(6, detail.find(' ', 6) - 6), entry.at);
    } else if (!wallet && subject != "network" && starts_with(detail, "relay down")) {
      open["relay " + subject] = OpenBand{entry.at, label, nullptr};
    } else if (!wallet && subject != "network" && starts_with(detail, "relay up")) {
      close_band("relay " + subject, entry.at);
    } else if (wallet && starts_with(detail, "drop connection to ")) {
      json lanes = json::array({*wallet});
      const auto rest = words(detail.substr(19));
      if (!rest.empty()) {
        if (const auto peer = names.wallet(rest.front())) lanes.push_back(*peer);
      }
      instant(entry.at, label, std::move(lanes));
    } else if (wallet) {
      instant(entry.at, label, json::array({*wallet}));
    } else {
      instant(entry.at, label, nullptr);
    }
  }
  std::vector<std::string> still_open;
  for (const auto& [key, band] : open) still_open.push_back(key);
  for (const auto& key : still_open) close_band(key, until);
  return faults;
}

/// Per wallet: [start, end, cause] for each time it was offline (end: back online or the run's end).
std::vector<json> offline_spells(const RunReport& report, const PeerNames& names, Duration until) {
  std::vector<json> spells(report.wallet_ids.size(), json::array());
  std::vector<std::optional<std::pair<Duration, std::string>>> since(report.wallet_ids.size());
  for (const auto& entry : report.history) {
    if (kind_of(entry) != sim::HistoryKind::lifecycle) continue;
    const auto w = names.wallet(subject_of(entry));
    if (!w) continue;
    const std::string& detail = detail_of(entry);
    if (starts_with(detail, "offline")) {
      if (!since[*w]) since[*w] = std::make_pair(entry.at, detail);
    } else if (starts_with(detail, "reload")) {
      if (since[*w]) since[*w]->second = detail;
    } else if (starts_with(detail, "online") && since[*w]) {
      spells[*w].push_back({ms(since[*w]->first), ms(entry.at), since[*w]->second});
      since[*w].reset();
    }
  }
  for (std::size_t w = 0; w < since.size(); ++w) {
    if (since[w]) spells[w].push_back({ms(since[w]->first), ms(until), since[w]->second});
  }
  return spells;
}

json steps_of(const RunReport& report) {
  json steps = json::array();
  for (const auto& entry : report.history) {
    if (kind_of(entry) == sim::HistoryKind::step) steps.push_back({ms(entry.at), subject_of(entry) + " " + detail_of(entry)});
  }
  return steps;
}

// --- one scenario ----------------------------------------------------------------------------------

json lane_of(const sim::WalletRecords& records, const PeerNames& names, const std::optional<Duration>& cut) {
  const auto kept = [&](Duration at) { return !cut || at < *cut; };
  json statuses = json::array();
  for (const auto& x : records.statuses) {
    if (!kept(x.at)) continue;
    statuses.push_back({ms(x.at), names.peer(x.peer), std::string(store::to_string(x.status.status)),
                        x.status.connection_type ? type_text(*x.status.connection_type) : std::string(),
                        x.status.error.value_or("")});
  }
  json events = json::array();
  for (const auto& x : records.events) {
    if (!kept(x.at)) continue;
    events.push_back({ms(x.at), x.event.type, x.event.message,
                      x.event.peer_id.empty() ? json(nullptr) : names.peer(x.event.peer_id)});
  }
  json connects = json::array();
  for (const auto& x : records.connects) {
    if (!kept(x.started)) continue;
    connects.push_back({ms(x.started), ms(x.finished), names.peer(x.peer), x.result.success,
                        type_text(x.result.connection_type), x.attempts, x.result.error.value_or("")});
  }
  json attempts = json::array();
  for (const auto& x : records.attempts) {
    if (!kept(x.started)) continue;
    attempts.push_back({ms(x.started), ms(x.finished), names.peer(x.peer), x.attempt, x.result.success,
                        x.result.success ? type_text(x.result.connection_type) : x.result.error.value_or("")});
  }
  json dials = json::array();
  for (const auto& x : records.dials) {
    if (!kept(x.started)) continue;
    dials.push_back({ms(x.started), ms(x.finished), rung_of(x), x.target, x.ok, x.error});
  }
  json sessions = json::array();
  for (const auto& x : records.sessions) {
    if (!kept(x.at)) continue;
    sessions.push_back({ms(x.at), x.session_id, std::string(store::to_string(x.state)), x.failure.value_or("")});
  }
  return {{"s", std::move(statuses)}, {"e", std::move(events)}, {"c", std::move(connects)},
          {"a", std::move(attempts)}, {"d", std::move(dials)},  {"x", std::move(sessions)}};
}

json scenario_of(const RunReport& report, const HtmlReportOptions& options) {
  const PeerNames names(report);
  const auto until = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(report.stats.sim_seconds));
  std::size_t total = 0;
  const auto cut = cut_off(report, options.max_items_per_scenario, total);

  json wallets = json::array();
  json lanes = json::array();
  const auto offline = offline_spells(report, names, until);
  for (std::size_t w = 0; w < report.wallet_ids.size(); ++w) {
    wallets.push_back({{"id", report.wallet_ids[w]},
                       {"peer", w < report.wallet_peer_ids.size() ? report.wallet_peer_ids[w] : report.wallet_ids[w]}});
    json lane = w < report.records.size() ? lane_of(report.records[w], names, cut) : json::object();
    lane["off"] = offline[w];
    lanes.push_back(std::move(lane));
  }
  std::size_t kept = 0;
  for (const auto& lane : lanes) {
    for (const char* key : {"s", "e", "c", "a", "d", "x"}) kept += lane.contains(key) ? lane[key].size() : 0;
  }
  json failures = json::array();
  for (const auto& failure : report.failures) {
    failures.push_back({{"pointer", failure.pointer},
                        {"summary", failure.summary},
                        {"expected", failure.expected},
                        {"got", failure.got},
                        {"at", failure.at ? json(ms(*failure.at)) : json(nullptr)},
                        {"detail", failure.detail}});
  }
  return {{"name", report.name},
          {"file", report.file},
          {"seed", std::to_string(report.seed)},  // a string: seeds go past 2^53
          {"passed", report.passed},
          {"fingerprint", report.stats.fingerprint},
          {"backend", report.stats.backend == Backend::packet ? "packet" : "message"},
          {"until", ms(until)},
          {"wall_seconds", report.stats.wall_seconds},
          {"connects", report.stats.connects},
          {"attempts", report.stats.connect_attempts},
          {"history_entries", report.stats.history_entries},
          {"reproduce", "connsim run " + report.file + " --seed " + std::to_string(report.seed) + " --log"},
          {"wallets", std::move(wallets)},
          {"lanes", std::move(lanes)},
          {"faults", faults_of(report, names, until)},
          {"steps", steps_of(report)},
          {"failures", std::move(failures)},
          {"cap", {{"limit", options.max_items_per_scenario},
                   {"total", total},
                   {"kept", kept},
                   {"cutoff", cut ? json(ms(*cut)) : json(nullptr)}}}};
}

}  // namespace

json html_report_model(const std::vector<RunReport>& reports, const HtmlReportOptions& options) {
  json scenarios = json::array();
  for (const auto& report : reports) scenarios.push_back(scenario_of(report, options));
  return {{"format", "connsim-html/1"}, {"scenarios", std::move(scenarios)}};
}

}  // namespace connsim::scenarios
