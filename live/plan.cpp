#include "live/plan.hpp"

#include <algorithm>
#include <variant>

#include "scenarios/world_builder.hpp"
#include "sim/nat.hpp"

namespace connsim::live {
namespace {

using nlohmann::json;
using scenarios::Scenario;
using scenarios::Step;

double ms(store::Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

json nat_json(const sim::NatConfig& nat) {
  return {{"public_host", nat.public_host},
          {"mapping", std::string(sim::to_string(nat.mapping))},
          {"filtering", std::string(sim::to_string(nat.filtering))},
          {"mapping_timeout_ms", ms(nat.mapping_timeout)}};
}

/// A latency model for the links (js/live/links.js): {kind, ms} | {kind, min_ms, max_ms} |
/// {kind, median_ms, p99_ms}.
json latency_json(const sim::LatencyModel& m) {
  switch (m.kind) {
    case sim::LatencyModel::Kind::fixed: return {{"kind", "fixed"}, {"ms", ms(m.a)}};
    case sim::LatencyModel::Kind::uniform: return {{"kind", "uniform"}, {"min_ms", ms(m.a)}, {"max_ms", ms(m.b)}};
    case sim::LatencyModel::Kind::lognormal: return {{"kind", "lognormal"}, {"median_ms", ms(m.a)}, {"p99_ms", ms(m.b)}};
  }
  return {{"kind", "fixed"}, {"ms", ms(m.a)}};
}

/// A host's access latency on its link: its model's fixed part (the floor), plus half the
/// spread for a distribution (approximate: links.js draws only the network's share).
double access_ms(const sim::LatencyModel& m) {
  if (m.kind == sim::LatencyModel::Kind::fixed) return ms(m.a);
  if (m.kind == sim::LatencyModel::Kind::uniform) return (ms(m.a) + ms(m.b)) / 2;
  return ms(m.a);  // log-normal: its median
}

json relay_reconnect_json(const sim::RelayReconnect& r) {
  switch (r.mode) {
    case sim::RelayReconnect::Mode::none: return "none";
    case sim::RelayReconnect::Mode::keep_alive: return "keep-alive";
    case sim::RelayReconnect::Mode::interval: return json{{"interval_ms", ms(r.interval)}};
  }
  return "none";
}

json wallet_json(const sim::WorldConfig& world, std::size_t w, sim::StoreImplementation store) {
  const sim::WalletConfig& wallet = world.wallets[w];
  json shared = json::array();
  for (const auto& s : world.shared_wallets) {
    if (std::find(s.participants.begin(), s.participants.end(), w) == s.participants.end()) continue;
    json participants = json::array();
    for (std::size_t p : s.participants) participants.push_back({{"peer_id", world.wallets[p].peer_id}});
    shared.push_back({{"id", s.id}, {"participants", participants}});
  }
  json store_options = json::object();
  if (!wallet.store.as_written.empty()) store_options = json::parse(wallet.store.as_written, nullptr, false);
  if (store_options.is_discarded()) store_options = json::object();
  json out{{"id", wallet.id},
           {"peer_id", wallet.peer_id},
           {"nat", nat_json(wallet.nat)},
           {"relays", wallet.relays},
           {"webrtc", wallet.webrtc},
           {"online_at_ms", ms(wallet.online_at)},
           {"inbound_limit", wallet.inbound_limit},
           {"relay_reconnect", relay_reconnect_json(wallet.relay_reconnect)},
           {"access_latency_ms", access_ms(wallet.access_latency)},
           {"store", store == sim::StoreImplementation::cpp ? "cpp" : "js"},
           {"store_options", store_options},
           {"broadcast_skips_relay", wallet.sdk.broadcast_skips_relay},
           {"shared_wallets", shared}};
  if (wallet.nickname) out["nickname"] = *wallet.nickname;
  return out;
}

json member_json(const Scenario& scenario, const std::string& id) {
  if (auto it = scenario.wallet_index.find(id); it != scenario.wallet_index.end()) return {{"wallet", it->second}};
  if (auto it = scenario.relay_index.find(id); it != scenario.relay_index.end()) return {{"relay", it->second}};
  return nullptr;  // e.g. the bootstrap node: not partitioned live (docs/LIVE.md)
}

/// The step's fields for the conductor (its kind and arguments, ids resolved).
json step_json(const Scenario& scenario, const Step& step) {
  json out{{"do", std::string(scenarios::to_string(step.kind()))}, {"index", step.index}};
  const auto wallet_index = [&](const std::string& id) { return scenario.wallet_index.at(id); };
  const auto peer_id = [&](const std::string& id) { return scenario.wallets[wallet_index(id)].peer_id; };
  std::visit(
      [&](const auto& a) {
        using A = std::decay_t<decltype(a)>;
        if constexpr (requires { a.wallet; }) out["wallet_index"] = wallet_index(a.wallet);
        if constexpr (requires { a.peer; }) out["peer_id"] = peer_id(a.peer);
        if constexpr (std::is_same_v<A, scenarios::ConnectManyAction>) {
          json peers = json::array();
          for (const auto& p : a.peers) peers.push_back(peer_id(p));
          out["peer_ids"] = peers;
        }
        if constexpr (std::is_same_v<A, scenarios::SetNetworkAction>) {
          out["latency"] = a.latency ? latency_json(*a.latency) : json(nullptr);
          out["loss"] = a.loss ? json(*a.loss) : json(nullptr);
        }
        if constexpr (std::is_same_v<A, scenarios::ProposeSpendAction>) {
          out["shared_wallet"] = a.shared_wallet;
          out["recipient"] = a.recipient;
          out["amount_sats"] = a.amount_sats;
        }
        if constexpr (requires { a.relay; }) out["relay_index"] = scenario.relay_index.at(a.relay);
        if constexpr (requires { a.for_duration; }) {
          out["for_ms"] = a.for_duration ? json(ms(*a.for_duration)) : json(nullptr);
        }
        if constexpr (std::is_same_v<A, scenarios::PartitionAction>) {
          json sides = json::array();
          for (const auto& side : a.between) {
            json members = json::array();
            for (const auto& id : side) {
              if (auto group = scenario.wallet_groups.find(id); group != scenario.wallet_groups.end()) {
                for (std::size_t w : group->second) members.push_back({{"wallet", w}});
              } else if (json m = member_json(scenario, id); !m.is_null()) {
                members.push_back(m);
              }
            }
            sides.push_back(members);
          }
          out["between"] = sides;
        }
      },
      step.action);
  return out;
}

/// Every run of every step, by time (stable: file order at equal times), repeats expanded.
json timeline_json(const Scenario& scenario) {
  struct Run {
    store::Duration at;
    std::size_t index;
    std::size_t run;
  };
  std::vector<Run> runs;
  for (const Step& step : scenario.timeline) {
    std::size_t n = 1;
    for (store::Duration at = step.at; at <= scenario.until; ++n) {
      runs.push_back({at, step.index, n});
      if (!step.repeat || (step.repeat->times && n >= *step.repeat->times)) break;
      at += step.repeat->every;
    }
  }
  std::stable_sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.at < b.at; });
  json out = json::array();
  for (const Run& r : runs) {
    json step = step_json(scenario, scenario.timeline[r.index]);
    step["at_ms"] = ms(r.at);
    step["run"] = r.run;
    out.push_back(step);
  }
  return out;
}

json getters_json(const Scenario& scenario) {
  json out = json::array();
  for (const auto& e : scenario.expectations) {
    const auto* g = std::get_if<scenarios::GetterExpectation>(&e.body);
    if (!g) continue;
    json getter{{"expectation", e.index},
                {"wallet_index", scenario.wallet_index.at(g->wallet)},
                {"getter", std::string(scenarios::to_string(g->getter))},
                {"at_ms", g->at ? json(ms(*g->at)) : json(nullptr)}};
    if (g->peer) getter["peer"] = scenario.wallets[scenario.wallet_index.at(*g->peer)].peer_id;
    out.push_back(getter);
  }
  return out;
}

}  // namespace

json make_plan(const Scenario& scenario, std::uint64_t seed, const PlanOptions& options) {
  const sim::WorldConfig world = scenarios::build_world_config(scenario, seed);
  json relays = json::array();
  for (const auto& r : world.relays) {
    relays.push_back({{"id", r.id},
                      {"max_reservations", r.max_reservations},
                      {"reservation_ttl_ms", ms(r.reservation_ttl)},
                      {"reservation_ends_on_disconnect", r.reservation_ends_on_disconnect},
                      {"circuit_duration_ms", ms(r.circuit_duration)},
                      {"circuit_bytes", r.circuit_bytes},
                      {"access_latency_ms", access_ms(r.access_latency)}});
  }
  json wallets = json::array();
  for (std::size_t w = 0; w < world.wallets.size(); ++w) {
    wallets.push_back(wallet_json(world, w, live_store_of(scenario.wallets[w], options.store)));
  }
  return {{"name", scenario.name},
          {"seed", seed},
          {"until_ms", ms(scenario.until)},
          {"quiet_ms", static_cast<double>(options.quiet.count())},
          {"store_dir", options.store_dir},
          {"link_binary", options.link_binary},
          {"store_binary", options.store_binary},
          {"latency", latency_json(scenario.network.link.latency)},
          {"loss", scenario.network.link.loss},
          {"bootstrap",
           {{"first_peer_exchange_ms", ms(world.bootstrap.first_peer_exchange)},
            {"peer_exchange_interval_ms", ms(world.bootstrap.peer_exchange_interval)},
            {"presence_ttl_ms", ms(world.bootstrap.presence_ttl)}}},
          {"relays", relays},
          {"wallets", wallets},
          {"timeline", timeline_json(scenario)},
          {"getters", getters_json(scenario)}};
}

sim::StoreImplementation live_store_of(const scenarios::Wallet& wallet, std::optional<sim::StoreImplementation> forced) {
  if (forced) return *forced;
  const json written = wallet.store.as_written.empty() ? json::object() : json::parse(wallet.store.as_written, nullptr, false);
  if (written.is_object() && written.value("implementation", "") == "cpp") return sim::StoreImplementation::cpp;
  return sim::StoreImplementation::js;
}

std::optional<std::string> unsupported_in_live(const Scenario& scenario) {
  for (const auto& wallet : scenario.wallets) {
    // keep-alive and an interval reserve through libp2p's relay discovery, which may reserve on
    // any relay the node meets: live, they need a wallet on every relay of the network.
    if (wallet.relay_reconnect.mode != sim::RelayReconnect::Mode::none && !wallet.relays.empty() &&
        wallet.relays.size() != scenario.network.relays.size()) {
      return "wallet " + wallet.id +
             ": relay_reconnect other than \"none\" runs live only on every relay of the network (live reservations "
             "then come from libp2p's relay discovery, which may reserve on any relay it meets; docs/LIVE.md)";
    }
  }
  return std::nullopt;
}

}  // namespace connsim::live
