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
// Bands and lanes come from the typed entries; the rendered text (subject and detail) is only
// the label a person reads.

std::string label_of(const sim::HistoryEntry& entry) { return entry.subject_text() + " " + entry.detail_text(); }

struct OpenBand {
  Duration start;
  std::string label;
  json lanes;
};

/// Faults as bands (a partition until its heal, a relay down until up) or instants (a dropped
/// connection, a NAT rebind, a network change), each with the lanes it affects (null: all).
json faults_of(const RunReport& report, const PeerNames& names, Duration until) {
  json faults = json::array();
  std::map<std::uint64_t, OpenBand> partitions;  // by partition id
  std::map<std::string, OpenBand> relays_down;   // by relay id
  const auto close_band = [&](OpenBand& band, Duration end) {
    faults.push_back({{"t0", ms(band.start)}, {"t1", ms(end)}, {"label", std::move(band.label)}, {"lanes", std::move(band.lanes)}});
  };
  const auto instant = [&](Duration at, std::string label, json lanes) {
    faults.push_back({{"t0", ms(at)}, {"t1", nullptr}, {"label", std::move(label)}, {"lanes", std::move(lanes)}});
  };
  const auto lane_list = [&](std::initializer_list<const std::string*> hosts) {
    json lanes = json::array();
    for (const std::string* host : hosts) {
      if (const auto w = names.wallet(*host)) lanes.push_back(*w);
    }
    return lanes;
  };
  for (const auto& entry : report.history) {
    if (entry.kind() != sim::HistoryKind::fault) continue;
    if (const auto* started = std::get_if<sim::PartitionStarted>(&entry.what)) {
      json lanes = json::array();
      for (const auto* side : {&started->side_a, &started->side_b}) {
        for (const auto& host : *side) {
          if (const auto w = names.wallet(host)) lanes.push_back(*w);
        }
      }
      partitions[started->partition] = OpenBand{entry.at, label_of(entry), std::move(lanes)};
    } else if (const auto* healed = std::get_if<sim::PartitionHealed>(&entry.what)) {
      for (auto it = partitions.begin(); it != partitions.end();) {
        if (healed->partition && *healed->partition != it->first) {
          ++it;
          continue;
        }
        close_band(it->second, entry.at);
        it = partitions.erase(it);
      }
    } else if (const auto* relay = std::get_if<sim::RelaySwitched>(&entry.what)) {
      if (!relay->up) {
        relays_down.insert_or_assign(relay->relay, OpenBand{entry.at, label_of(entry), nullptr});
      } else if (const auto it = relays_down.find(relay->relay); it != relays_down.end()) {
        close_band(it->second, entry.at);
        relays_down.erase(it);
      }
    } else if (const auto* dropped = std::get_if<sim::ConnectionDropped>(&entry.what)) {
      instant(entry.at, label_of(entry), lane_list({&dropped->wallet, &dropped->peer}));
    } else if (const std::string* wallet = entry.wallet()) {
      instant(entry.at, label_of(entry), lane_list({wallet}));
    } else {
      instant(entry.at, label_of(entry), nullptr);
    }
  }
  for (auto& [id, band] : partitions) close_band(band, until);
  for (auto& [id, band] : relays_down) close_band(band, until);
  return faults;
}

/// Per wallet: [start, end, cause] for each time it was offline (end: back online or the run's end).
std::vector<json> offline_spells(const RunReport& report, const PeerNames& names, Duration until) {
  std::vector<json> spells(report.wallet_ids.size(), json::array());
  std::vector<std::optional<std::pair<Duration, std::string>>> since(report.wallet_ids.size());
  for (const auto& entry : report.history) {
    const auto* change = std::get_if<sim::LifecycleChanged>(&entry.what);
    if (!change) continue;
    const auto w = names.wallet(change->wallet);
    if (!w) continue;
    auto& spell = since[*w];
    switch (change->change) {
      case sim::LifecycleChange::offline:
        if (!spell) spell = std::make_pair(entry.at, entry.detail_text());
        break;
      case sim::LifecycleChange::reload:
        if (spell) spell->second = entry.detail_text();
        break;
      case sim::LifecycleChange::online:
        if (spell) spells[*w].push_back({ms(spell->first), ms(entry.at), spell->second});
        spell.reset();
        break;
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
    if (entry.kind() == sim::HistoryKind::step) steps.push_back({ms(entry.at), label_of(entry)});
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
          {"backend", spelling_of(report.stats.backend)},
          {"until", ms(until)},
          {"wall_seconds", report.stats.wall_seconds},
          {"connects", report.stats.connects},
          {"attempts", report.stats.connect_attempts},
          {"history_entries", report.stats.history_entries},
          {"reproduce",
           "connsim run " + report.file + " --seed " + std::to_string(report.seed) + " --log"},
          {"wallets", std::move(wallets)},
          {"lanes", std::move(lanes)},
          {"faults", faults_of(report, names, until)},
          {"steps", steps_of(report)},
          {"failures", std::move(failures)},
          {"cap",
           {{"limit", options.max_items_per_scenario},
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
