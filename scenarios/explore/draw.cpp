#include "scenarios/explore/draw.hpp"

#include "scenarios/explore/liveness.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>
#include <vector>

#include "store/splitmix64.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

using store::splitmix64;

/// The draw's random numbers: splitmix64, so a draw never depends on the standard library's
/// distributions (which differ between implementations).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return splitmix64(state_); }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [low, high].
  std::int64_t between(std::int64_t low, std::int64_t high) {
    if (high <= low) return low;
    const auto span = static_cast<std::uint64_t>(high - low) + 1;
    return low + static_cast<std::int64_t>(next() % span);
  }
  std::size_t index(std::size_t size) { return static_cast<std::size_t>(between(0, static_cast<std::int64_t>(size) - 1)); }
  bool chance(double probability) { return unit() < probability; }
  /// Shuffles `items` (Fisher-Yates, from the back).
  void shuffle(std::vector<std::size_t>& items) {
    for (std::size_t k = items.size(); k > 1; --k) std::swap(items[k - 1], items[index(k)]);
  }
  std::string pick(const Weights& weights) {
    double total = 0;
    for (const auto& entry : weights) total += entry.second;
    double at = unit() * total;
    for (const auto& entry : weights) {
      if (at < entry.second) return entry.first;
      at -= entry.second;
    }
    return weights.back().first;
  }

 private:
  std::uint64_t state_;
};

std::int64_t draw(Rng& rng, const Choice<std::int64_t>& c) {
  return c.ranged ? rng.between(c.min, c.max) : c.options[rng.index(c.options.size())];
}
double draw(Rng& rng, const Choice<double>& c) {
  if (!c.ranged) return c.options[rng.index(c.options.size())];
  // Rounded to millionths so that the file says exactly what ran.
  return std::round((c.min + rng.unit() * (c.max - c.min)) * 1e6) / 1e6;
}
/// A time, in whole milliseconds when ranged.
Duration draw(Rng& rng, const Choice<Duration>& c) {
  if (!c.ranged) return c.options[rng.index(c.options.size())];
  const auto low = std::chrono::duration_cast<milliseconds>(c.min).count();
  const auto high = std::chrono::duration_cast<milliseconds>(c.max).count();
  return milliseconds(rng.between(low, high));
}

json time_text(Duration time) { return format_time(time); }

/// The space's store spec with each {"one_of": [...]} replaced by one of its values.
json draw_store(Rng& rng, const json& spec) {
  json out = json::object();
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const json& value = *it;
    if (value.is_object() && value.contains("one_of")) {
      out[it.key()] = value["one_of"][rng.index(value["one_of"].size())];
    } else if (value.is_object()) {
      out[it.key()] = draw_store(rng, value);
    } else {
      out[it.key()] = value;
    }
  }
  return out;
}

struct WalletDraw {
  std::string id;
  std::string reconnect;  // "none", "keep-alive" or a time
  json store;
};

struct RelayDraw {
  std::string id;
};

class Drawer {
 public:
  Drawer(const Space& space, std::uint64_t seed) : space_(space), seed_(seed), rng_(seed ^ 0x5EED5EED5EEDULL) {}

  json run() {
    until_ = draw(rng_, space_.until);
    window_end_ = std::max<Duration>(seconds(6), until_ * 45 / 100);
    doc_ = {{"format", "connsim/1"}, {"name", space_.name + "-" + std::to_string(seed_)},
            {"description", "drawn by connsim explore from space " + space_.name + " with seed " + std::to_string(seed_)},
            {"seed", seed_}, {"until", time_text(until_)}};
    draw_network();
    draw_wallets();
    draw_shared_wallets();
    timeline_ = json::array();
    draw_actions();
    draw_faults();
    if (space_.liveness) draw_probes();
    std::stable_sort(timeline_.begin(), timeline_.end(), [](const json& a, const json& b) {
      return parse_time(a["at"].get<std::string>()) < parse_time(b["at"].get<std::string>());
    });
    doc_["timeline"] = timeline_;
    json expect = expect_;
    for (const json& e : space_.expect) expect.push_back(e);
    doc_["expect"] = expect;
    return doc_;
  }

 private:
  void draw_network() {
    json network = {{"latency", time_text(draw(rng_, space_.latency))}};
    const double loss = draw(rng_, space_.loss);
    if (loss > 0) network["loss"] = loss;
    const auto relay_count = draw(rng_, space_.relays.count);
    json relays = json::array();
    for (std::int64_t r = 0; r < relay_count; ++r) {
      RelayDraw relay{"r" + std::to_string(r + 1)};
      json spec = {{"id", relay.id}, {"implementation", rng_.pick(space_.relays.implementation)}};
      const RelaySpace& rs = space_.relays;
      if (rs.max_reservations.ranged || !rs.max_reservations.options.empty()) {
        spec["max_reservations"] = draw(rng_, rs.max_reservations);
      }
      if (rs.circuit_duration.ranged || !rs.circuit_duration.options.empty()) {
        spec["circuit_duration"] = time_text(draw(rng_, rs.circuit_duration));
      }
      if (rs.circuit_bytes.ranged || !rs.circuit_bytes.options.empty()) {
        spec["circuit_bytes"] = draw(rng_, rs.circuit_bytes);
      }
      relays.push_back(spec);
      relays_.push_back(relay);
    }
    if (!relays.empty()) network["relays"] = relays;
    doc_["network"] = network;
  }

  void draw_wallets() {
    const auto count = draw(rng_, space_.wallets);
    json wallets = json::array();
    for (std::int64_t w = 0; w < count; ++w) {
      WalletDraw wallet{"w" + std::to_string(w + 1), rng_.pick(space_.relay_reconnect), draw_store(rng_, space_.store)};
      json spec = {{"id", wallet.id}, {"nat", rng_.pick(space_.nat)}};
      if (rng_.chance(space_.nickname_probability)) spec["nickname"] = "W" + std::to_string(w + 1);
      if (wallet.reconnect != "none") spec["relay_reconnect"] = wallet.reconnect;
      if (!wallet.store.empty()) spec["store"] = wallet.store;
      wallets.push_back(spec);
      wallets_.push_back(std::move(wallet));
    }
    doc_["wallets"] = wallets;
  }

  void draw_shared_wallets() {
    const bool spends = std::any_of(space_.actions.mix.begin(), space_.actions.mix.end(),
                                    [](const auto& e) { return e.first == "propose_spend"; });
    if (!spends || wallets_.size() < 2) return;
    std::vector<std::size_t> order(wallets_.size());
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.index(i)]);
    const std::size_t size = static_cast<std::size_t>(rng_.between(2, std::min<std::int64_t>(3, static_cast<std::int64_t>(order.size()))));
    json participants = json::array();
    for (std::size_t i = 0; i < size; ++i) {
      participants.push_back(wallets_[order[i]].id);
      shared_participants_.push_back(order[i]);
    }
    doc_["shared_wallets"] = json::array({{{"id", "s1"}, {"participants", participants}}});
  }

  Duration random_moment() { return draw(rng_, Choice<Duration>::range(seconds(5), window_end_)); }
  std::size_t random_wallet() { return rng_.index(wallets_.size()); }
  std::size_t other_wallet(std::size_t not_this) {
    const std::size_t pick = rng_.index(wallets_.size() - 1);
    return pick >= not_this ? pick + 1 : pick;
  }

  /// Draws `part.count` steps (none when `part.mix` is empty): for each, its kind from
  /// `part.mix` and then a random moment, handed to `add(i, kind, at)`, which writes the step or
  /// leaves it out.
  template <class Part, class Add>
  void draw_steps(const Part& part, Add add) {
    if (part.mix.empty()) return;
    const auto count = draw(rng_, part.count);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::string kind = rng_.pick(part.mix);
      const Duration at = random_moment();
      add(i, kind, at);
    }
  }

  void draw_actions() {
    draw_steps(space_.actions, [&](std::int64_t i, const std::string& kind, Duration at) {
      const std::size_t w = random_wallet();
      json step = {{"at", time_text(at)}, {"do", kind}, {"wallet", wallets_[w].id}, {"id", "a" + std::to_string(i + 1)}};
      if (kind == "connect") {
        if (wallets_.size() < 2) return;
        step["peer"] = wallets_[other_wallet(w)].id;
        if (rng_.chance(space_.actions.repeat_probability)) {
          const auto times = draw(rng_, space_.actions.repeat_times);
          const Duration every = draw(rng_, space_.actions.repeat_every);
          step["repeat"] = {{"every", time_text(every)}, {"times", times}};
        }
      } else if (kind == "connect_many") {
        if (wallets_.size() < 2) return;
        std::vector<std::size_t> others;
        for (std::size_t o = 0; o < wallets_.size(); ++o) {
          if (o != w) others.push_back(o);
        }
        rng_.shuffle(others);
        const auto size = static_cast<std::size_t>(rng_.between(std::min<std::int64_t>(2, static_cast<std::int64_t>(others.size())),
                                                                static_cast<std::int64_t>(others.size())));
        json peers = json::array();
        for (std::size_t k = 0; k < size; ++k) peers.push_back(wallets_[others[k]].id);
        step["peers"] = peers;
      } else {  // propose_spend
        if (shared_participants_.empty()) return;
        step["wallet"] = wallets_[shared_participants_[rng_.index(shared_participants_.size())]].id;
        step["shared_wallet"] = "s1";
        // A session can run for minutes (its timeouts); only its connects matter to a probe.
      }
      timeline_.push_back(step);
    });
  }

  void draw_faults() {
    draw_steps(space_.faults, [&](std::int64_t /*i*/, const std::string& kind, Duration at) {
      const Duration span = std::min(draw(rng_, space_.faults.duration), until_ - at);
      json step = {{"at", time_text(at)}, {"do", kind}};
      if (kind == "relay_down") {
        if (relays_.empty()) return;
        const std::size_t r = rng_.index(relays_.size());
        step["relay"] = relays_[r].id;
        step["for"] = time_text(span);
      } else if (kind == "partition") {
        if (wallets_.size() < 2) return;
        std::vector<std::size_t> order(wallets_.size());
        std::iota(order.begin(), order.end(), 0);
        rng_.shuffle(order);
        const auto cut = static_cast<std::size_t>(rng_.between(1, static_cast<std::int64_t>(order.size()) - 1));
        json side_a = json::array();
        json side_b = json::array();
        for (std::size_t k = 0; k < order.size(); ++k) {
          (k < cut ? side_a : side_b).push_back(wallets_[order[k]].id);
        }
        for (std::size_t r = 0; r < relays_.size(); ++r) {
          if (!rng_.chance(0.5)) continue;
          side_b.push_back(relays_[r].id);
        }
        step["between"] = json::array({side_a, side_b});
        step["for"] = time_text(span);
      } else if (kind == "reload" || kind == "nat_rebind") {
        step["wallet"] = wallets_[random_wallet()].id;
      } else if (kind == "drop_connection") {
        if (wallets_.size() < 2) return;
        const std::size_t w = random_wallet();
        step["wallet"] = wallets_[w].id;
        step["peer"] = wallets_[other_wallet(w)].id;
      } else if (kind == "set_network") {
        step["latency"] = time_text(draw(rng_, space_.latency));
        if (rng_.chance(0.5)) step["loss"] = draw(rng_, space_.loss);
      } else if (kind == "go_offline") {
        const std::size_t w = random_wallet();
        step["wallet"] = wallets_[w].id;
        timeline_.push_back(step);
        step = {{"at", time_text(at + span)}, {"do", "go_online"}, {"wallet", wallets_[w].id}};
      }
      timeline_.push_back(step);
    });
  }

  /// Up to two probes after everything else has ended, each kept only when the scenario
  /// guarantees it (liveness.hpp).
  void draw_probes() {
    if (wallets_.size() < 2) return;
    json doc = doc_;
    doc["timeline"] = timeline_;
    Duration at = quiet_from(doc) + seconds(31);
    // A renewal at an interval may need up to the interval after the relay is back.
    for (const auto& wallet : wallets_) {
      if (wallet.reconnect == "none" || wallet.reconnect == "keep-alive") continue;
      at = std::max(at, quiet_from(doc) + parse_time(wallet.reconnect).value_or(Duration::zero()) + seconds(31));
    }
    at = std::chrono::duration_cast<seconds>(at) + seconds(1);
    std::vector<std::size_t> targets(wallets_.size());
    std::iota(targets.begin(), targets.end(), 0);
    for (int probe = 1; probe <= 2 && !targets.empty(); ++probe) {
      const std::size_t pick = rng_.index(targets.size());
      const std::size_t target = targets[pick];
      targets.erase(targets.begin() + static_cast<std::ptrdiff_t>(pick));
      const std::size_t dialer = other_wallet(target);
      const Reach reach = target_reach(doc, wallets_[target].id, at);
      const std::string id = std::string(reach == Reach::renewed ? kProbeReachPrefix : kProbeConnectPrefix) + std::to_string(probe);
      const json step = {{"at", time_text(at)}, {"do", "connect"}, {"wallet", wallets_[dialer].id},
                         {"peer", wallets_[target].id}, {"id", id}};
      json with = doc;
      with["timeline"].push_back(step);
      if (!probe_guaranteed(with, id)) continue;
      doc = std::move(with);
      timeline_.push_back(step);
      expect_.push_back({{"result", id}, {"success", true}});
      at += seconds(3);  // inbound_limit counts per second and per relay
    }
  }

  const Space& space_;
  std::uint64_t seed_;
  Rng rng_;
  Duration until_{};
  Duration window_end_{};
  json doc_;
  json timeline_;
  json expect_ = json::array();
  std::vector<WalletDraw> wallets_;
  std::vector<RelayDraw> relays_;
  std::vector<std::size_t> shared_participants_;
};

}  // namespace

std::uint64_t run_seed(std::uint64_t base_seed, std::uint64_t index) {
  std::uint64_t state = base_seed * 0x100000001B3ULL + index;
  splitmix64(state);
  return splitmix64(state) % 1000000000000ULL + 1;  // short enough to type
}

json draw_scenario(const Space& space, std::uint64_t seed) { return Drawer(space, seed).run(); }

}  // namespace connsim::scenarios::explore
