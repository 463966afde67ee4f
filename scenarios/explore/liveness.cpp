#include "scenarios/explore/liveness.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "scenarios/explore/draw.hpp"
#include "scenarios/loader.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;
using std::chrono::seconds;

constexpr Duration kMargin = seconds(30);
constexpr Duration kReloadTime = seconds(1);
constexpr Duration kReserveTime = seconds(15);  // a joining wallet's reservations are done by then

Duration time_of(const json& value, Duration fallback = Duration::zero()) {
  if (value.is_number()) return Duration(static_cast<Duration::rep>(value.get<double>() * 1e6));
  if (value.is_string()) return parse_time(value.get<std::string>()).value_or(fallback);
  return fallback;
}

const json& list(const json& doc, const char* key) {
  static const json empty = json::array();
  return doc.contains(key) && doc[key].is_array() ? doc[key] : empty;
}

const json* wallet_of(const json& doc, const std::string& id) {
  for (const json& w : list(doc, "wallets")) {
    if (w.value("id", "") == id) return &w;
  }
  return nullptr;
}

json store_of(const json& doc, const std::string& id) {
  const json* w = wallet_of(doc, id);
  return w != nullptr && w->contains("store") ? (*w)["store"] : json::object();
}

std::string str(const json& step, const char* key) {
  return step.contains(key) && step[key].is_string() ? step[key].get<std::string>() : std::string();
}

bool names(const json& step, const std::string& id) {
  for (const char* key : {"wallet", "peer", "relay"}) {
    if (str(step, key) == id) return true;
  }
  if (step.contains("between")) {
    for (const json& side : step["between"]) {
      for (const json& member : side) {
        if (member == id) return true;
      }
    }
  }
  return false;
}

/// The last moment a step is busy: its last run, its `for`, and a connect-like step's retries.
Duration step_end(const json& doc, const json& step) {
  Duration end = time_of(step["at"]);
  if (step.contains("repeat")) {
    const json& repeat = step["repeat"];
    const Duration every = time_of(repeat["every"]);
    if (repeat.contains("times")) {
      end += every * (repeat["times"].get<std::int64_t>() - 1);
    } else {
      end = time_of(doc.value("until", json("10m")));
    }
  }
  if (step.contains("for")) end += time_of(step["for"]);
  const std::string kind = str(step, "do");
  if (kind == "connect" || kind == "connect_many" || kind == "propose_spend") end += retry_span(store_of(doc, str(step, "wallet")));
  return end;
}

/// A wallet's offline spells: [go_offline, go_online] (open-ended without a go_online), and a
/// reload as the page reload's second offline (sim::WorldConfig::reload_time), then a rejoin.
struct Spell {
  Duration from, to;
};
std::vector<Spell> offline_spells(const json& doc, const std::string& wallet) {
  std::vector<std::pair<Duration, std::string>> changes;
  for (const json& step : list(doc, "timeline")) {
    if (str(step, "wallet") != wallet || step.contains("repeat")) continue;
    const std::string kind = str(step, "do");
    if (kind == "go_offline" || kind == "go_online" || kind == "reload") changes.emplace_back(time_of(step["at"]), kind);
  }
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Spell> spells;
  std::optional<Duration> left;
  for (const auto& [at, kind] : changes) {
    if (kind == "go_offline" && !left) left = at;
    if (kind == "go_online" && left) {
      spells.push_back({*left, at});
      left.reset();
    }
    if (kind == "reload") spells.push_back({at, at + kReloadTime});
  }
  if (left) spells.push_back({*left, Duration::max()});
  const json* w = wallet_of(doc, wallet);
  if (w != nullptr && w->contains("online_at")) spells.push_back({Duration::zero(), time_of((*w)["online_at"])});
  return spells;
}

bool relay_usable(const json& doc, const json& relay) {
  const std::size_t wallets = list(doc, "wallets").size();
  const bool js = relay.value("implementation", "go") == "js";
  const std::int64_t slots = relay.contains("max_reservations") ? relay["max_reservations"].get<std::int64_t>() : (js ? 15 : 128);
  if (slots < static_cast<std::int64_t>(wallets) + 2) return false;
  if (relay.contains("circuit_duration")) {
    const Duration d = time_of(relay["circuit_duration"]);
    if (d != Duration::zero() && d < seconds(60)) return false;
  }
  if (relay.contains("circuit_bytes")) {
    const auto bytes = relay["circuit_bytes"].get<std::int64_t>();
    if (bytes != 0 && bytes < 131072) return false;
  }
  return !relay.contains("latency");
}

/// Whether the target keeps (or renews) its reservation on `relay` up to `at`: each outage that
/// finds it reserved loses the reservation, and its relay_reconnect schedule redials; a redial
/// renews it when the relay is up then and stays up for the reservation's round trips.
Reach reservation(const json& doc, const json& wallet, const std::string& relay, Duration at) {
  const std::string id = wallet["id"];
  const std::string reconnect = wallet.value("relay_reconnect", "none");
  const auto spells = offline_spells(doc, id);
  std::vector<Spell> downs;
  for (const json& step : list(doc, "timeline")) {
    if (str(step, "relay") != relay) continue;
    const std::string kind = str(step, "do");
    if (kind != "relay_down" || step.contains("repeat") || !step.contains("for")) return Reach::unknown;
    const Duration from = time_of(step["at"]);
    downs.push_back({from, from + time_of(step["for"])});
  }
  std::sort(downs.begin(), downs.end(), [](const Spell& a, const Spell& b) { return a.from < b.from; });
  // A redial at `t` succeeds when no outage meets [t, t + kReserveTime].
  const auto up_through = [&](Duration t) {
    return std::none_of(downs.begin(), downs.end(), [&](const Spell& d) { return d.from <= t + kReserveTime && t <= d.to; });
  };
  Reach reach = Reach::kept;
  Duration held_from = Duration::zero();
  for (const Spell& down : downs) {
    if (down.from < held_from) continue;  // met while redialling: the redial search saw it
    // Offline around an outage: its rejoin may have met the outage (a refused reservation is
    // never renewed). Not judged.
    const bool offline_overlap = std::any_of(spells.begin(), spells.end(), [&](const Spell& s) {
      return s.from <= down.to && down.from <= s.to + kReserveTime;
    });
    if (offline_overlap) return Reach::unknown;
    std::optional<Duration> renewed;
    if (reconnect == "keep-alive") {
      for (const int delay : {0, 1, 3, 7, 15, 31}) {
        const Duration t = down.from + seconds(delay);
        if (t > down.from && up_through(t)) {
          renewed = t;
          break;
        }
      }
    } else if (reconnect != "none") {
      const Duration every = time_of(json(reconnect));
      if (every <= Duration::zero()) return Reach::unknown;
      for (Duration t = down.from + every; t < at; t += every) {
        if (up_through(t)) {
          renewed = t;
          break;
        }
      }
    }
    if (!renewed || *renewed + kReserveTime + kMargin > at) return Reach::unknown;
    // A rejoin after the outage would also have reserved; the schedule alone is judged here.
    held_from = *renewed + kReserveTime;
    reach = Reach::renewed;
  }
  return reach;
}

bool lossy(const json& doc) {
  if (doc.contains("network") && doc["network"].value("loss", 0.0) > 0) return true;
  return std::any_of(list(doc, "timeline").begin(), list(doc, "timeline").end(),
                     [](const json& step) { return step.contains("loss") && step["loss"].get<double>() > 0; });
}

/// Touched by a partition, a NAT rebind, or a relay_down with no end: not judged.
bool disturbed(const json& doc, const std::string& id) {
  for (const json& step : list(doc, "timeline")) {
    const std::string kind = str(step, "do");
    if ((kind == "partition" || kind == "nat_rebind") && names(step, id)) return true;
    if (kind == "heal") return true;
  }
  return false;
}

}  // namespace

bool is_probe_id(const std::string& id) {
  return id.rfind(kProbeConnectPrefix, 0) == 0 || id.rfind(kProbeReachPrefix, 0) == 0;
}

Duration retry_span(const json& store) {
  const json retry = store.value("retry", json::object());
  const int attempts = retry.value("max_attempts", 3);
  const Duration base = retry.contains("base_delay") ? time_of(retry["base_delay"]) : seconds(1);
  const Duration cap = retry.contains("max_delay") ? time_of(retry["max_delay"]) : Duration::zero();
  Duration total = Duration::zero();
  for (int k = 1; k <= attempts; ++k) {
    total += seconds(13);
    if (k == attempts || total > std::chrono::hours(1)) break;
    const double factor = std::ldexp(1.5, std::min(k - 1, 20));  // exponential, jitter up to x1.5
    Duration wait(static_cast<Duration::rep>(static_cast<double>(base.count()) * factor));
    if (cap > Duration::zero()) wait = std::min(wait, cap);
    total += wait;
  }
  return total;
}

Duration quiet_from(const json& doc) {
  Duration quiet = Duration::zero();
  for (const json& step : list(doc, "timeline")) {
    if (is_probe_id(str(step, "id"))) continue;
    quiet = std::max(quiet, step_end(doc, step));
  }
  return quiet;
}

Reach target_reach(const json& doc, const std::string& target, Duration at) {
  const json* wallet = wallet_of(doc, target);
  if (wallet == nullptr || disturbed(doc, target) || !doc.contains("network")) return Reach::unknown;
  if (wallet->contains("store") && (*wallet)["store"].contains("implementation")) return Reach::unknown;
  for (const Spell& s : offline_spells(doc, target)) {
    if (s.to > at - kMargin) return Reach::unknown;
  }
  const json& relays = list(doc["network"], "relays");
  Reach best = Reach::unknown;
  for (const json& relay : relays) {
    const std::string id = relay["id"];
    if (wallet->contains("relays") && std::find((*wallet)["relays"].begin(), (*wallet)["relays"].end(), id) == (*wallet)["relays"].end()) continue;
    if (!relay_usable(doc, relay) || disturbed(doc, id)) continue;
    const Reach reach = reservation(doc, *wallet, id, at);
    if (reach == Reach::kept) return Reach::kept;
    if (reach == Reach::renewed) best = Reach::renewed;
  }
  return best;
}

bool probe_guaranteed(const json& doc, const std::string& probe_id) {
  const json* probe = nullptr;
  for (const json& step : list(doc, "timeline")) {
    if (str(step, "id") == probe_id) probe = &step;
  }
  if (probe == nullptr || str(*probe, "do") != "connect" || probe->contains("repeat")) return false;
  if (lossy(doc)) return false;
  const Duration at = time_of((*probe)["at"]);
  const std::string dialer = str(*probe, "wallet");
  const std::string target = str(*probe, "peer");
  const json* dialer_wallet = wallet_of(doc, dialer);
  if (dialer_wallet == nullptr || disturbed(doc, dialer)) return false;
  if (dialer_wallet->contains("store") && (*dialer_wallet)["store"].contains("implementation")) return false;
  for (const Spell& s : offline_spells(doc, dialer)) {
    if (s.to > at - kMargin) return false;
  }
  if (quiet_from(doc) + kMargin > at) return false;
  if (at + retry_span(store_of(doc, dialer)) + seconds(5) > time_of(doc.value("until", json("10m")))) return false;
  // Another probe within the same few seconds could meet the target's inbound_limit.
  for (const json& step : list(doc, "timeline")) {
    if (&step == probe || !is_probe_id(str(step, "id"))) continue;
    const Duration other = time_of(step["at"]);
    if (other + seconds(2) > at && at + seconds(2) > other) return false;
  }
  return target_reach(doc, target, at) != Reach::unknown;
}

}  // namespace connsim::scenarios::explore
