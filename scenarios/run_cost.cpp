#include "scenarios/run_cost.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <variant>

#include "scenarios/limits.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/memory_estimate.hpp"

namespace connsim::scenarios {
namespace {

/// Relay id -> wallets holding it (in their relay lists).
using RelayHolders = std::map<std::string, std::uint64_t, std::less<>>;

/// Connects one run of `step` starts; `holders` is counted from sc.wallets on first need.
std::uint64_t run_weight(const Step& step, const Scenario& sc,
                         std::optional<RelayHolders>& holders) {
  switch (step.kind()) {
    case ActionKind::connect_many:
      return std::max<std::uint64_t>(1, std::get<ConnectManyAction>(step.action).peers.size());
    case ActionKind::propose_spend: {
      const auto& spend = std::get<ProposeSpendAction>(step.action);
      const auto shared = sc.shared_wallet_index.find(spend.shared_wallet);
      if (shared == sc.shared_wallet_index.end()) return 1;
      return std::max<std::uint64_t>(1, sc.shared_wallets[shared->second].participants.size());
    }
    case ActionKind::reload:
    case ActionKind::go_online:
    case ActionKind::partition:
      return std::max<std::uint64_t>(1, sc.wallets.size());
    case ActionKind::relay_down: {
      if (!holders) {
        holders.emplace();
        for (const Wallet& w : sc.wallets) {
          for (const auto& r : w.relays) ++(*holders)[r];
        }
      }
      const auto found = holders->find(std::get<RelayDownAction>(step.action).relay);
      return std::max<std::uint64_t>(1, found == holders->end() ? 0 : found->second);
    }
    default:
      return 1;
  }
}

/// The connecting wallet's retry.max_attempts for a connect, connect_many or propose_spend; 1 for
/// any other step.
std::uint64_t attempts_per_connect(const Step& step, const Scenario& sc) {
  const std::string* wallet = nullptr;
  if (const auto* connect = std::get_if<ConnectAction>(&step.action)) wallet = &connect->wallet;
  if (const auto* many = std::get_if<ConnectManyAction>(&step.action)) wallet = &many->wallet;
  if (const auto* spend = std::get_if<ProposeSpendAction>(&step.action)) wallet = &spend->wallet;
  if (wallet == nullptr) return 1;
  const auto connecting = sc.wallet_index.find(*wallet);
  if (connecting == sc.wallet_index.end()) return 1;
  return static_cast<std::uint64_t>(
      std::max(1, sc.wallets[connecting->second].store.p2p.retry.max_attempts));
}

/// `total + add`, saturated just above `limit` (the sums overflow 64 bits).
std::uint64_t add_capped(std::uint64_t total, unsigned __int128 add, std::uint64_t limit) {
  const unsigned __int128 sum = add + total;
  return sum > limit ? limit + 1 : static_cast<std::uint64_t>(sum);
}

/// Runs of a step up to `until` (`repeat` included; 0 when it starts after `until`).
std::uint64_t runs_of(const Step& step, Duration until) {
  if (step.at > until) return 0;
  if (!step.repeat) return 1;
  const std::uint64_t fit = static_cast<std::uint64_t>((until - step.at) / step.repeat->every) + 1;
  return step.repeat->times ? std::min(*step.repeat->times, fit) : fit;
}

std::string format_count(double n) {
  if (n < 1e15) return std::to_string(static_cast<std::uint64_t>(n));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1e", n);
  return buffer;
}

/// The blame for a budget: the value at `pointer` when the file has it, else `fallback`.
std::string written_or(const PositionedJson& doc, const std::string& pointer,
                       const std::string& fallback) {
  return doc.value_positions.count(pointer) != 0 ? pointer : fallback;
}

}  // namespace

std::optional<TimelineOverBudget> timeline_over_budget(const Scenario& sc) {
  std::optional<RelayHolders> holders;
  std::uint64_t total_runs = 0;
  std::uint64_t total_attempts = 0;
  for (std::size_t i = 0; i < sc.timeline.size(); ++i) {
    const Step& step = sc.timeline[i];
    const unsigned __int128 runs =
        static_cast<unsigned __int128>(runs_of(step, sc.until)) * run_weight(step, sc, holders);
    total_runs = add_capped(total_runs, runs, limits::kMaxTimelineRuns);
    total_attempts = add_capped(total_attempts, runs * attempts_per_connect(step, sc),
                                limits::kMaxTimelineAttempts);
    const std::string blame =
        step.repeat ? pointer_child(step.source.pointer, "repeat") : step.source.pointer;
    if (total_runs > limits::kMaxTimelineRuns) {
      return TimelineOverBudget{
          i,
          {blame, "the timeline runs more than " + std::to_string(limits::kMaxTimelineRuns) +
                      " steps before `until` (the limit; a connect_many counts once per peer, a "
                      "propose_spend once per participant, a reload, go_online or partition "
                      "once per wallet, a relay_down once per wallet on the relay)"}};
    }
    if (total_attempts > limits::kMaxTimelineAttempts) {
      return TimelineOverBudget{
          i,
          {blame, "the timeline may make more than " +
                      std::to_string(limits::kMaxTimelineAttempts) +
                      " connection attempts before `until` (the limit): each run of a connect "
                      "counts its wallet's retry.max_attempts, once per peer"}};
    }
  }
  return std::nullopt;
}

double weighted_timeline_runs(const Scenario& sc) {
  std::optional<RelayHolders> holders;
  double total = 0;
  for (const Step& step : sc.timeline) {
    total += static_cast<double>(runs_of(step, sc.until)) *
             static_cast<double>(run_weight(step, sc, holders));
  }
  return total;
}

// Estimates in double: the products overflow 64 bits.
std::vector<CostFinding> periodic_over_budget(const Scenario& sc, const PositionedJson& doc) {
  std::vector<CostFinding> findings;
  const double until = static_cast<double>(sc.until.count());
  const double wallets = static_cast<double>(sc.wallets.size());
  const double limit = static_cast<double>(limits::kMaxPeriodicEvents);
  const auto too_much = [&](const std::string& pointer, const std::string& what, double estimate,
                            std::string_view unit) {
    findings.push_back(CostFinding{
        pointer, what + " makes about " + format_count(estimate) + " " + std::string(unit) +
                     " before `until`; the limit is " + std::to_string(limits::kMaxPeriodicEvents) +
                     " (raise the interval, shorten `until` or use fewer wallets)"});
  };

  const auto& bootstrap = sc.network.bootstrap;
  if (sc.until >= bootstrap.first_peer_exchange) {
    // Each tick reaches the wallets online then: count the ticks in each wallet's window.
    const double first = static_cast<double>(bootstrap.first_peer_exchange.count());
    const double interval = static_cast<double>(bootstrap.peer_exchange_interval.count());
    double deliveries = 0;
    for (const auto& window : online_windows(sc)) {
      if (!window || window->end < first) continue;
      deliveries += std::floor((window->end - first) / interval) -
                    std::ceil((std::max(window->start, first) - first) / interval) + 1;
    }
    if (deliveries > limit) {
      too_much(written_or(doc, "/network/bootstrap/peer_exchange_interval", "/until"),
               "peer exchange every " + format_time(bootstrap.peer_exchange_interval) + " to " +
                   format_count(wallets) + (wallets == 1 ? " wallet" : " wallets"),
               deliveries, "deliveries");
    }
  }
  if (sc.network.bootstrap.readvertise_interval > Duration::zero()) {
    const double ticks =
        std::floor(until / static_cast<double>(sc.network.bootstrap.readvertise_interval.count()));
    const double deliveries = ticks * wallets * std::max(0.0, wallets - 1);
    if (deliveries > limit) {
      too_much(written_or(doc, "/network/readvertise_interval", "/until"),
               "re-advertising every " + format_time(sc.network.bootstrap.readvertise_interval) +
                   " among " + format_count(wallets) + (wallets == 1 ? " wallet" : " wallets"),
               deliveries, "deliveries");
    }
  }
  double redials = 0;
  const Wallet* worst = nullptr;
  double worst_redials = 0;
  for (const Wallet& wallet : sc.wallets) {
    if (wallet.relay_reconnect.mode != RelayReconnect::Mode::interval) continue;
    const double mine =
        std::floor(until / static_cast<double>(wallet.relay_reconnect.interval.count())) *
        static_cast<double>(wallet.relays.size());
    redials += mine;
    if (worst == nullptr || mine > worst_redials) {
      worst = &wallet;
      worst_redials = mine;
    }
  }
  if (redials > limit && worst != nullptr) {
    too_much(written_or(doc, pointer_child(worst->source.pointer, "relay_reconnect"), "/until"),
             "redialing lost relays every " + format_time(worst->relay_reconnect.interval) +
                 " (over all wallets)",
             redials, "redials");
  }
  // Presence gossip: wallets that come online within one second advertise together, and each
  // advertisement is one delivery to every online wallet.
  if (!sc.wallets.empty()) {
    std::vector<std::pair<Duration, std::size_t>> joins;
    for (std::size_t i = 0; i < sc.wallets.size(); ++i) {
      if (sc.wallets[i].online_at <= sc.until) joins.emplace_back(sc.wallets[i].online_at, i);
    }
    std::sort(joins.begin(), joins.end());
    std::size_t best = 0;
    std::size_t best_from = 0;
    for (std::size_t from = 0, to = 0; from < joins.size(); ++from) {
      while (to < joins.size() && joins[to].first < joins[from].first + std::chrono::seconds(1))
        ++to;
      if (to - from > best) {
        best = to - from;
        best_from = from;
      }
    }
    const double in_flight = static_cast<double>(best) * wallets;
    if (in_flight > static_cast<double>(limits::kMaxPresenceInFlight)) {
      const Wallet& first = sc.wallets[joins[best_from].second];
      findings.push_back(CostFinding{
          written_or(doc, pointer_child(first.source.pointer, "online_at"), first.source.pointer),
          std::to_string(best) + " wallets come online within one second (from " +
              format_time(joins[best_from].first) + ") and each advertisement reaches all " +
              format_count(wallets) + " wallets: about " + format_count(in_flight) +
              " presence deliveries at once; the limit is " +
              std::to_string(limits::kMaxPresenceInFlight) + " (stagger online_at)"});
    }
  }
  const auto& ice = sc.network.ice;
  const double checks = static_cast<double>(ice.failed_timeout.count()) /
                        static_cast<double>(ice.check_interval.count());
  if (checks > static_cast<double>(limits::kMaxIceChecks)) {
    findings.push_back(CostFinding{
        written_or(doc, "/network/ice/check_interval", "/network/ice/failed_timeout"),
        "an ICE check every " + format_time(ice.check_interval) + " for " +
            format_time(ice.failed_timeout) + " makes " + format_count(checks) +
            " checks per hole punch; the limit is " + std::to_string(limits::kMaxIceChecks)});
  }
  return findings;
}

}  // namespace connsim::scenarios
