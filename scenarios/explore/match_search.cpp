#include "scenarios/explore/match_search.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "apps/sweep/worker_pool.hpp"
#include "scenarios/explore/draw.hpp"
#include "scenarios/explore/progress_line.hpp"
#include "scenarios/explore/shrink.hpp"
#include "scenarios/field_log/export_log.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;
using field_log::EntryKind;
using field_log::FieldLog;
using field_log::LogEntry;
using field_log::MatchScore;
using field_log::MatchTolerance;

/// The peers a world must have for `log`: its `peers`, then any peer its entries name that the
/// list lacks, in order of first mention.
std::vector<field_log::LogPeer> world_peers(const FieldLog& log) {
  std::vector<field_log::LogPeer> peers = log.peers;
  for (const auto& extra : field_log::peers_of(log.entries, [](const std::string&) { return std::nullopt; })) {
    if (std::none_of(peers.begin(), peers.end(), [&](const auto& p) { return p.peer_id == extra.peer_id; })) {
      peers.push_back(extra);
    }
  }
  return peers;
}

std::string renamed(const json& id, const std::map<std::string, std::string>& names) {
  const std::string text = id.get<std::string>();
  const auto it = names.find(text);
  return it == names.end() ? text : it->second;
}

json renamed_list(const json& ids, const std::map<std::string, std::string>& names) {
  json out = json::array();
  for (const json& id : ids) out.push_back(renamed(id, names));
  return out;
}

/// A score on the wire between a worker and the search (no pairs).
json score_json(const std::optional<MatchScore>& score) {
  if (!score) return {{"ran", false}};
  return {{"ran", true},
          {"observations", score->observations},
          {"matched", score->matched},
          {"extra", score->extra},
          {"time_error_ms", score->time_error_ms}};
}

std::optional<MatchScore> score_from_json(const json& value) {
  if (!value.value("ran", false)) return std::nullopt;
  MatchScore score;
  score.observations = value.at("observations").get<std::size_t>();
  score.matched = value.at("matched").get<std::size_t>();
  score.extra = value.at("extra").get<std::size_t>();
  score.time_error_ms = value.at("time_error_ms").get<std::int64_t>();
  return score;
}

/// Scores `count` worlds in the workers; a world whose worker died scores nothing.
std::vector<std::optional<MatchScore>> score_in_workers(std::size_t count, int jobs,
                                                        const std::function<std::optional<MatchScore>(std::size_t)>& task,
                                                        std::vector<std::string>& failures,
                                                        const sweep::WorkerProgress& progress = {}) {
  const auto results = sweep::run_in_worker_processes(
      count, jobs, [&](std::size_t index) { return score_json(task(index)).dump(); }, progress);
  failures.insert(failures.end(), results.failures.begin(), results.failures.end());
  std::vector<std::optional<MatchScore>> scores(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (results.lines[i]) scores[i] = score_from_json(json::parse(*results.lines[i]));
  }
  return scores;
}

/// The run of `world` (loaded and run as `connsim run` would), or nullopt when it does not load.
struct WorldRun {
  Scenario scenario;
  RunReport report;
};
std::optional<WorldRun> run_world(const json& world) {
  const LoadResult loaded = load_scenario_text(world.dump(), world.value("name", std::string("match")) + ".json");
  if (!loaded.ok()) return std::nullopt;
  RunOptions options;
  options.max_events = 20'000'000;
  WorldRun run{loaded.scenario(), {}};
  run.report = run_scenario(run.scenario, options);
  return run;
}

bool stopped_early(const RunReport& report) {
  return std::any_of(report.failures.begin(), report.failures.end(),
                     [](const Failure& f) { return f.summary.rfind("stopped early", 0) == 0; });
}

/// The wallet id of the world's wallet with `peer_id`.
std::string wallet_of_peer(const Scenario& scenario, const std::string& peer_id) {
  for (const auto& w : scenario.wallets) {
    if (w.peer_id == peer_id) return w.id;
  }
  return peer_id;
}

}  // namespace

std::string logged_wallet_id(const FieldLog& log) { return log.name.value_or(log.peer_id); }

std::optional<std::string> match_problem(const Space& space, const FieldLog& log) {
  const std::size_t needed = 1 + world_peers(log).size();
  const std::int64_t fewest = space.wallets.ranged
                                  ? space.wallets.min
                                  : *std::min_element(space.wallets.options.begin(), space.wallets.options.end());
  if (fewest >= static_cast<std::int64_t>(needed)) return std::nullopt;
  return "the space draws as few as " + std::to_string(fewest) + " wallets, but the log needs " +
         std::to_string(needed) + " (the logged wallet and the " + std::to_string(needed - 1) +
         " peers it names); raise the space's \"wallets\"";
}

json world_for_log(const json& drawn, const FieldLog& log) {
  json world = drawn;
  const std::vector<field_log::LogPeer> peers = world_peers(log);
  const std::string self = logged_wallet_id(log);
  // Who becomes whom: w1 the logged wallet, w2... its peers; any other drawn wallet keeps its id
  // unless a new id takes it.
  std::map<std::string, std::string> names;
  std::set<std::string> taken{self};
  for (const auto& p : peers) taken.insert(p.peer_id);
  json& wallets = world["wallets"];
  for (std::size_t w = 0; w < wallets.size(); ++w) {
    json& wallet = wallets[w];
    const std::string old_id = wallet["id"];
    if (w == 0) {
      names[old_id] = self;
      wallet["id"] = self;
      wallet["peer_id"] = log.peer_id;
      wallet.erase("nickname");
    } else if (w <= peers.size()) {
      const auto& peer = peers[w - 1];
      names[old_id] = peer.peer_id;
      wallet["id"] = peer.peer_id;
      wallet["peer_id"] = peer.peer_id;
      if (peer.nickname) {
        wallet["nickname"] = *peer.nickname;
      } else {
        wallet.erase("nickname");
      }
    } else if (taken.count(old_id) > 0) {
      std::string fresh = old_id + "-other";
      while (taken.count(fresh) > 0) fresh += "-other";
      names[old_id] = fresh;
      wallet["id"] = fresh;
    }
    taken.insert(wallet["id"].get<std::string>());
  }
  if (world.contains("shared_wallets")) {
    for (json& shared : world["shared_wallets"]) shared["participants"] = renamed_list(shared["participants"], names);
  }
  json timeline = json::array();
  for (json step : world.value("timeline", json::array())) {
    for (const char* key : {"wallet", "peer"}) {
      if (step.contains(key)) step[key] = renamed(step[key], names);
    }
    if (step.contains("peers")) step["peers"] = renamed_list(step["peers"], names);
    if (step.contains("between")) {
      step["between"][0] = renamed_list(step["between"][0], names);
      step["between"][1] = renamed_list(step["between"][1], names);
    }
    const std::string action = step.value("do", "");
    const bool own_action = action == "connect" || action == "connect_many" || action == "propose_spend";
    if (own_action && step.value("wallet", "") == self) continue;  // the log says what it did
    timeline.push_back(std::move(step));
  }
  std::int64_t last_ms = 0;
  std::size_t connects = 0;
  for (const LogEntry& entry : log.entries) {
    last_ms = std::max(last_ms, entry.t_ms);
    if (entry.kind != EntryKind::status || entry.status != "connecting") continue;
    timeline.push_back({{"at", std::to_string(entry.t_ms) + "ms"},
                        {"do", "connect"},
                        {"wallet", self},
                        {"peer", entry.peer},
                        {"id", std::string(kLogConnectPrefix) + std::to_string(++connects)}});
  }
  world["timeline"] = timeline;
  world.erase("expect");
  const Duration until = parse_time(world.value("until", std::string("10m"))).value_or(std::chrono::minutes(10));
  const Duration needed = std::chrono::milliseconds(last_ms) + std::chrono::minutes(1);
  if (until < needed) world["until"] = format_time(std::chrono::ceil<std::chrono::seconds>(needed));
  return world;
}

std::optional<MatchScore> score_world(const json& world, const FieldLog& log, const MatchTolerance& tolerance) {
  auto run = run_world(world);
  if (!run || stopped_early(run->report)) return std::nullopt;
  const FieldLog produced = field_log::export_from_history(run->scenario, run->report, logged_wallet_id(log));
  return field_log::score_match(log, produced, tolerance);
}

json pin_matched(json world, const FieldLog& log, const MatchTolerance& tolerance) {
  world.erase("expect");
  auto run = run_world(world);
  if (!run) return world;
  const std::string self = logged_wallet_id(log);
  const FieldLog produced = field_log::export_from_history(run->scenario, run->report, self);
  const MatchScore score = field_log::score_match(log, produced, tolerance);
  std::set<std::size_t> matched_run;
  for (const auto& pair : score.pairs) matched_run.insert(pair.second);
  json expect = json::array();
  // Status sequences: per peer, when the run wrote nothing for it that the log lacks.
  std::vector<std::string> peers;
  for (const auto& p : produced.peers) peers.push_back(p.peer_id);
  for (const std::string& peer : peers) {
    json sequence = json::array();
    bool all_matched = true;
    std::optional<std::string> last_type;
    for (std::size_t j = 0; j < produced.entries.size(); ++j) {
      const LogEntry& e = produced.entries[j];
      if (e.kind != EntryKind::status || e.peer != peer) continue;
      all_matched &= matched_run.count(j) > 0;
      sequence.push_back(e.status);
      last_type = e.connection_type;
    }
    if (sequence.empty() || !all_matched) continue;
    json status = {{"status", {{"wallet", self}, {"peer", wallet_of_peer(run->scenario, peer)}}}, {"sequence", sequence}};
    if (last_type) status["connection_type"] = *last_type;
    expect.push_back(std::move(status));
  }
  // Matched activity events, in order.
  json events = json::array();
  for (const auto& [i, j] : score.pairs) {
    const LogEntry& e = produced.entries[j];
    if (e.kind == EntryKind::activity) events.push_back({{"type", e.type}, {"message", e.message}});
  }
  if (!events.empty()) expect.push_back({{"events", {{"wallet", self}}}, {"sequence", events}});
  // Results of the log's connects whose connectToPresence matched: the k-th connect to a peer
  // is the k-th connect entry for that peer.
  std::map<std::string, std::vector<std::size_t>> connects_by_peer;
  for (std::size_t j = 0; j < produced.entries.size(); ++j) {
    if (produced.entries[j].kind == EntryKind::connect) connects_by_peer[produced.entries[j].peer].push_back(j);
  }
  std::map<std::string, std::size_t> seen;
  for (const Step& step : run->scenario.timeline) {
    if (!step.id || step.id->rfind(kLogConnectPrefix, 0) != 0) continue;
    const auto* connect = std::get_if<ConnectAction>(&step.action);
    if (connect == nullptr) continue;
    const Wallet* peer_wallet = run->scenario.find_wallet(connect->peer);
    if (peer_wallet == nullptr) continue;
    const std::string peer_id = peer_wallet->peer_id;
    const std::size_t k = seen[peer_id]++;
    const auto& indices = connects_by_peer[peer_id];
    if (k >= indices.size() || matched_run.count(indices[k]) == 0) continue;
    const StepOutcome& outcome = run->report.steps[step.index];
    const auto* result = std::get_if<store::ConnectResult>(&outcome.value);
    const LogEntry& entry = produced.entries[indices[k]];
    if (!outcome.finished || outcome.abandoned || result == nullptr || result->success != entry.success ||
        std::string(store::to_string(result->connection_type)) != entry.connection_type.value_or("none") ||
        result->error != entry.error) {
      continue;
    }
    json pinned = {{"result", *step.id}, {"success", result->success}};
    if (result->success) pinned["connection_type"] = std::string(store::to_string(result->connection_type));
    if (result->error) pinned["error"] = *result->error;
    expect.push_back(std::move(pinned));
  }
  world["expect"] = expect;
  return world;
}

MatchReport match_space(const Space& drawn_space, const FieldLog& log, const MatchOptions& options, std::ostream& out,
                        std::ostream& progress) {
  Space space = drawn_space;
  space.liveness = false;           // the log decides what the logged wallet does
  space.expect = json::array();     // the log is the property
  const ExploreOptions& explore = options.explore;
  const int jobs = std::max(1, explore.jobs);
  MatchReport report;
  const auto start = Clock::now();
  std::vector<std::optional<MatchScore>> scores;
  std::optional<MatchScore> best;
  const auto show = [&](std::uint64_t done, std::uint64_t total) {
    if (!explore.progress) return;
    rewrite_progress_head(progress, "match", space.name, done, total, start);
    progress << "best "
             << (best ? std::to_string(best->matched) + "/" + std::to_string(best->observations)
                      : "none")
             << std::flush;
  };
  const auto world_of_run = [&](std::uint64_t run) {
    return world_for_log(draw_scenario(space, run_seed(explore.seed, run)), log);
  };
  const std::uint64_t batch = explore.time_seconds ? static_cast<std::uint64_t>(jobs) * 8 : 64;
  while (true) {
    const std::uint64_t first = scores.size();
    if (!explore.time_seconds && first >= explore.runs) break;
    if (explore.time_seconds && first > 0 && seconds_since(start) >= *explore.time_seconds) break;
    const std::uint64_t count = explore.time_seconds ? batch : std::min(batch, explore.runs - first);
    const std::uint64_t total = explore.time_seconds ? 0 : explore.runs;
    auto chunk = score_in_workers(
        count, jobs, [&](std::size_t i) { return score_world(world_of_run(first + i), log, options.tolerance); },
        report.worker_failures, [&](std::size_t done, std::size_t) { show(first + done, total); });
    for (auto& score : chunk) {
      if (score && (!best || score->better_than(*best))) best = score;
      scores.push_back(std::move(score));
    }
    show(scores.size(), total);
  }
  report.runs = scores.size();
  report.run_wall_seconds = seconds_since(start);
  if (explore.progress) progress << "\n";

  // The best `keep` runs, best first; among equals the earlier run.
  std::vector<std::uint64_t> order;
  for (std::uint64_t run = 0; run < scores.size(); ++run) {
    if (scores[run]) order.push_back(run);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) { return scores[a]->better_than(*scores[b]); });
  if (order.size() > options.keep) order.resize(options.keep);

  std::error_code ec;
  if (!order.empty()) std::filesystem::create_directories(explore.out_dir, ec);
  for (std::size_t k = 0; k < order.size(); ++k) {
    MatchedWorld world;
    world.run = order[k];
    world.seed = run_seed(explore.seed, world.run);
    world.score = *scores[world.run];
    world.drawn = world_of_run(world.run);
    const auto shrink_start = Clock::now();
    const MatchScore target = world.score;
    const CandidateTester tester = [&](const std::vector<json>& candidates) {
      std::vector<std::string> ignored;
      const auto results = score_in_workers(
          candidates.size(), jobs, [&](std::size_t i) { return score_world(candidates[i], log, options.tolerance); },
          ignored);
      std::vector<bool> keep(candidates.size(), false);
      for (std::size_t i = 0; i < candidates.size(); ++i) keep[i] = results[i] && !target.better_than(*results[i]);
      return keep;
    };
    const ShrinkResult shrunk = shrink_scenario(world.drawn, tester, static_cast<std::size_t>(jobs) * 2, explore.shrink_budget);
    world.shrink_tests = shrunk.tests;
    world.shrink_seconds = seconds_since(shrink_start);
    const std::size_t shrunk_size = scenario_size(shrunk.scenario);
    json pinned = pin_matched(shrunk.scenario, log, options.tolerance);
    pinned["name"] = space.name + "-match-" + std::to_string(world.seed);
    world.shrunk_score = score_world(pinned, log, options.tolerance).value_or(MatchScore{});
    pinned["description"] = "Found by connsim explore --match (space " + space.name + ", run " + std::to_string(world.run) +
                            ", seed " + std::to_string(world.seed) + ") and shrunk: wallet " + logged_wallet_id(log) +
                            " reproduces " + world.shrunk_score.summary() + " of its field log" +
                            (log.source_file.empty() ? "" : " " + std::filesystem::path(log.source_file).filename().string()) +
                            " within " + std::to_string(options.tolerance.time_ms) + " ms. The expectations pin the matched observations.";
    world.shrunk = pinned;
    const std::filesystem::path file = std::filesystem::path(explore.out_dir) / (std::to_string(k + 1) + "-match.json");
    std::ofstream stream(file);
    if (stream) {
      stream << world.shrunk.dump(2) << "\n";
      world.file = file.string();
    }
    out << "MATCH " << k + 1 << ": " << world.shrunk_score.summary() << " (run " << world.run << ", seed " << world.seed
        << "; drawn " << world.score.matched << "/" << world.score.observations << "; shrunk from "
        << scenario_size(world.drawn) << " to " << shrunk_size << " parts in " << world.shrink_tests
        << " runs, " << fixed(world.shrink_seconds, 1) << " s)\n";
    if (!world.file.empty()) {
      out << "  reproduce: " << explore.command << " run " << world.file << "\n";
    } else {
      out << "  (could not write " << file.string() << ")\n";
    }
    out << std::flush;
    report.worlds.push_back(std::move(world));
  }
  return report;
}

}  // namespace connsim::scenarios::explore
