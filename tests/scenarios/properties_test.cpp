// Property tests (RapidCheck): random valid scenarios (topologies, NAT mixes, store options,
// faults, timelines) load, run, keep every built-in invariant and are deterministic. On a
// failure RapidCheck shrinks the scenario; the smallest failing one is written as JSON to
// $CONNSIM_PROPERTY_OUT (default: property-counterexample.json in the working directory) so that
// `connsim run FILE --log` replays it.
//
// Cases: RC_PARAMS="max_success=100" (RapidCheck's default); CI runs the default.
#define BOOST_TEST_MODULE scenarios_properties
#include <rapidcheck/boost_test.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

using namespace connsim::scenarios;
using json = nlohmann::json;

namespace {

// --- genes: small integers that shrink towards a simple scenario --------------------------------

struct RelayGene {
  int implementation = 0;   // 0 go, 1 js
  int circuit_seconds = 0;  // 0: default; else 5..180 s
  int circuit_kib = 0;      // 0: default; else 16..256 KiB
};

struct WalletGene {
  int nat = 0;              // index into kNats (the last two: object form, mix)
  bool webrtc = true;
  int online_at_s = 0;
  int relays = -1;          // -1: all; else a bit mask over the relays
  int count = 1;            // > 1: a group
  int retry = 0;            // 0 default, 1 fixed, 2 exponential-jitter, 3 deadline-bounded
  int concurrency = 0;      // 0 default, 1 window 2, 2 batch 1
  int presence_update = 0;  // replace, merge-reset, merge-keep
  bool mark_disconnected = false;
  bool dedupe = false;
  int reconnect = 0;        // none, keep-alive, "5s"
};

struct StepGene {
  int kind = 0;
  int at_ms = 0;
  int a = 0;
  int b = 1;
  int for_s = 0;
  int extra = 0;
};

struct ScenarioGene {
  int seed = 1;
  int until_s = 60;
  int latency = 0;  // fixed, log-normal, uniform
  int latency_ms = 40;
  int loss_pct = 0;
  std::vector<RelayGene> relays;
  std::vector<WalletGene> wallets;
  std::vector<StepGene> steps;
  bool shared = false;
};

const char* const kNats[] = {"none", "full-cone", "restricted-cone", "port-restricted-cone", "symmetric",
                             "object", "mix"};
constexpr int kStepKinds = 12;

// --- genes -> scenario JSON (always valid: every index is taken modulo what exists) -------------

std::string time_ms(int ms) { return std::to_string(ms) + "ms"; }

json nat_of(const WalletGene& w) {
  const std::string name = kNats[w.nat % 7];
  if (name == "object") {
    return {{"mapping", "address-dependent"}, {"filtering", "endpoint-independent"}, {"mapping_timeout", "20s"}};
  }
  if (name == "mix") return {{"mix", {{"symmetric", 1}, {"full-cone", 2}, {"none", 1}}}};
  return name;
}

json to_scenario(const ScenarioGene& g) {
  json s = {{"format", "connsim/1"}, {"name", "property"}, {"seed", g.seed},
            {"until", std::to_string(g.until_s) + "s"}};
  json network = json::object();
  if (g.latency == 1) {
    network["latency"] = {{"median", time_ms(g.latency_ms)}, {"p99", time_ms(g.latency_ms * 4)}};
  } else if (g.latency == 2) {
    network["latency"] = {{"min", time_ms(g.latency_ms / 2)}, {"max", time_ms(g.latency_ms * 2)}};
  } else {
    network["latency"] = time_ms(g.latency_ms);
  }
  network["loss"] = g.loss_pct / 100.0;
  json relays = json::array();
  for (std::size_t r = 0; r < g.relays.size(); ++r) {
    json relay = {{"id", "r" + std::to_string(r)}, {"implementation", g.relays[r].implementation ? "js" : "go"}};
    if (g.relays[r].circuit_seconds > 0) relay["circuit_duration"] = std::to_string(g.relays[r].circuit_seconds) + "s";
    if (g.relays[r].circuit_kib > 0) relay["circuit_bytes"] = g.relays[r].circuit_kib * 1024;
    relays.push_back(relay);
  }
  network["relays"] = relays;
  s["network"] = network;

  // Wallets; a group of `count` expands to <id>-1 ... <id>-N.
  json wallets = json::array();
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < g.wallets.size(); ++i) {
    const WalletGene& w = g.wallets[i];
    const std::string id = "w" + std::to_string(i);
    json wallet = {{"id", id}, {"nat", nat_of(w)}, {"webrtc", w.webrtc},
                   {"online_at", std::to_string(w.online_at_s) + "s"}};
    if (w.relays >= 0) {
      json mine = json::array();
      for (std::size_t r = 0; r < g.relays.size(); ++r) {
        if (w.relays & (1 << r)) mine.push_back("r" + std::to_string(r));
      }
      wallet["relays"] = mine;
    }
    json store = json::object();
    if (w.retry == 1) store["retry"] = {{"policy", "fixed"}, {"max_attempts", 2}, {"base_delay", "500ms"}};
    if (w.retry == 2) store["retry"] = {{"policy", "exponential-jitter"}, {"max_attempts", 4}};
    if (w.retry == 3) store["retry"] = {{"policy", "deadline-bounded"}, {"deadline", "8s"}, {"max_attempts", 5}};
    if (w.concurrency == 1) store["concurrency"] = {{"mode", "window"}, {"limit", 2}};
    if (w.concurrency == 2) store["concurrency"] = {{"mode", "batch"}, {"limit", 1}};
    const char* const updates[] = {"replace", "merge-reset", "merge-keep"};
    store["presence_update"] = updates[w.presence_update % 3];
    store["mark_disconnected_on_close"] = w.mark_disconnected;
    store["dedupe_concurrent_connects"] = w.dedupe;
    wallet["store"] = store;
    if (w.reconnect == 1) wallet["relay_reconnect"] = "keep-alive";
    if (w.reconnect == 2) wallet["relay_reconnect"] = "5s";
    if (w.count > 1) {
      wallet["count"] = w.count;
      for (int k = 1; k <= w.count; ++k) ids.push_back(id + "-" + std::to_string(k));
    } else {
      ids.push_back(id);
    }
    wallets.push_back(wallet);
  }
  s["wallets"] = wallets;
  const std::size_t n = ids.size();
  if (g.shared && n >= 2) {
    s["shared_wallets"] = json::array({{{"id", "s0"}, {"participants", {ids[0], ids[1]}}}});
  }

  json timeline = json::array();
  const int until_ms = g.until_s * 1000;
  for (const StepGene& st : g.steps) {
    const std::string a = ids[static_cast<std::size_t>(st.a) % n];
    std::string b = ids[static_cast<std::size_t>(st.b) % n];
    if (b == a) b = ids[(static_cast<std::size_t>(st.b) + 1) % n];
    json step = {{"at", time_ms(st.at_ms % (until_ms + 1))}};
    const bool has_relay = !g.relays.empty();
    const std::string relay = has_relay ? "r" + std::to_string(st.extra % static_cast<int>(g.relays.size())) : "";
    switch (st.kind % kStepKinds) {
      case 0: step.update({{"do", "connect"}, {"wallet", a}, {"peer", b}}); break;
      case 1: {
        json peers = json::array();
        for (std::size_t k = 0; k < n; ++k) {
          if (ids[k] != a && ((st.extra >> (k % 16)) & 1)) peers.push_back(ids[k]);
        }
        if (peers.empty()) peers.push_back(b);
        step.update({{"do", "connect_many"}, {"wallet", a}, {"peers", peers}});
        break;
      }
      case 2: step.update({{"do", "go_offline"}, {"wallet", a}}); break;
      case 3: step.update({{"do", "go_online"}, {"wallet", a}}); break;
      case 4: step.update({{"do", "reload"}, {"wallet", a}}); break;
      case 5:
        if (!has_relay) continue;
        step.update({{"do", "relay_down"}, {"relay", relay}});
        if (st.for_s > 0) step["for"] = std::to_string(st.for_s) + "s";
        break;
      case 6:
        if (!has_relay) continue;
        step.update({{"do", "relay_up"}, {"relay", relay}});
        break;
      case 7: {
        json right = json::array({b});
        if (has_relay && (st.extra & 1)) right.push_back(relay);
        step.update({{"do", "partition"}, {"between", {json::array({a}), right}}});
        if (st.for_s > 0) step["for"] = std::to_string(st.for_s) + "s";
        break;
      }
      case 8: step.update({{"do", "heal"}}); break;
      case 9: step.update({{"do", "drop_connection"}, {"wallet", a}, {"peer", b}}); break;
      case 10: step.update({{"do", "nat_rebind"}, {"wallet", a}}); break;
      default:
        if (g.shared && n >= 2 && (st.extra & 1)) {
          step.update({{"do", "propose_spend"}, {"wallet", ids[static_cast<std::size_t>(st.a) % 2]}, {"shared_wallet", "s0"}});
        } else {
          step.update({{"do", "set_network"}, {"latency", time_ms(10 + st.extra % 200)}, {"loss", (st.extra % 10) / 100.0}});
        }
        break;
    }
    timeline.push_back(step);
  }
  s["timeline"] = timeline;
  return s;
}

// --- generators ------------------------------------------------------------------------------

rc::Gen<RelayGene> relay_gene() {
  return rc::gen::build<RelayGene>(
      rc::gen::set(&RelayGene::implementation, rc::gen::inRange(0, 2)),
      rc::gen::set(&RelayGene::circuit_seconds, rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)}, {1, rc::gen::inRange(5, 181)}})),
      rc::gen::set(&RelayGene::circuit_kib, rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)}, {1, rc::gen::inRange(16, 257)}})));
}

rc::Gen<WalletGene> wallet_gene() {
  return rc::gen::build<WalletGene>(
      rc::gen::set(&WalletGene::nat, rc::gen::inRange(0, 7)),
      rc::gen::set(&WalletGene::webrtc, rc::gen::weightedOneOf<bool>({{4, rc::gen::just(true)}, {1, rc::gen::just(false)}})),
      rc::gen::set(&WalletGene::online_at_s, rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)}, {1, rc::gen::inRange(0, 30)}})),
      rc::gen::set(&WalletGene::relays, rc::gen::weightedOneOf<int>({{3, rc::gen::just(-1)}, {1, rc::gen::inRange(0, 8)}})),
      rc::gen::set(&WalletGene::count, rc::gen::weightedOneOf<int>({{5, rc::gen::just(1)}, {1, rc::gen::inRange(2, 5)}})),
      rc::gen::set(&WalletGene::retry, rc::gen::inRange(0, 4)),
      rc::gen::set(&WalletGene::concurrency, rc::gen::inRange(0, 3)),
      rc::gen::set(&WalletGene::presence_update, rc::gen::inRange(0, 3)),
      rc::gen::set(&WalletGene::mark_disconnected, rc::gen::arbitrary<bool>()),
      rc::gen::set(&WalletGene::dedupe, rc::gen::arbitrary<bool>()),
      rc::gen::set(&WalletGene::reconnect, rc::gen::inRange(0, 3)));
}

rc::Gen<StepGene> step_gene() {
  return rc::gen::build<StepGene>(
      rc::gen::set(&StepGene::kind, rc::gen::inRange(0, kStepKinds)),
      rc::gen::set(&StepGene::at_ms, rc::gen::inRange(0, 180'000)),
      rc::gen::set(&StepGene::a, rc::gen::inRange(0, 64)),
      rc::gen::set(&StepGene::b, rc::gen::inRange(0, 64)),
      rc::gen::set(&StepGene::for_s, rc::gen::inRange(0, 40)),
      rc::gen::set(&StepGene::extra, rc::gen::inRange(0, 1 << 16)));
}

/// Vectors of lo..hi-1 elements.
template <class T>
rc::Gen<std::vector<T>> vector_of(std::size_t lo, std::size_t hi, rc::Gen<T> element) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(lo, hi), [element](std::size_t n) {
    return rc::gen::container<std::vector<T>>(n, element);
  });
}

rc::Gen<ScenarioGene> scenario_gene() {
  return rc::gen::build<ScenarioGene>(
      rc::gen::set(&ScenarioGene::seed, rc::gen::inRange(1, 1'000'000)),
      rc::gen::set(&ScenarioGene::until_s, rc::gen::inRange(20, 181)),
      rc::gen::set(&ScenarioGene::latency, rc::gen::inRange(0, 3)),
      rc::gen::set(&ScenarioGene::latency_ms, rc::gen::inRange(2, 200)),
      rc::gen::set(&ScenarioGene::loss_pct, rc::gen::weightedOneOf<int>({{2, rc::gen::just(0)}, {1, rc::gen::inRange(0, 20)}})),
      rc::gen::set(&ScenarioGene::relays, vector_of<RelayGene>(0, 4, relay_gene())),
      rc::gen::set(&ScenarioGene::wallets, vector_of<WalletGene>(2, 7, wallet_gene())),
      rc::gen::set(&ScenarioGene::steps, vector_of<StepGene>(0, 25, step_gene())),
      rc::gen::set(&ScenarioGene::shared, rc::gen::arbitrary<bool>()));
}

std::string counterexample_path() {
  const char* path = std::getenv("CONNSIM_PROPERTY_OUT");
  return path != nullptr && *path != '\0' ? path : "property-counterexample.json";
}

/// RapidCheck prints a failing gene as the scenario it stands for (found by argument-dependent
/// lookup, so it lives in the gene's namespace).
[[maybe_unused]] void showValue(const ScenarioGene& gene, std::ostream& os) { os << to_scenario(gene).dump(); }

/// Writes the scenario that just failed. RapidCheck re-runs the property on ever smaller inputs
/// while shrinking, so the file ends as the smallest failing scenario.
void write_counterexample(const json& scenario, const std::string& why) {
  json out = scenario;
  out["description"] = "Shrunk counterexample of tests/scenarios/properties_test.cpp: " + why;
  std::ofstream(counterexample_path()) << out.dump(2) << "\n";
}

}  // namespace

namespace rc {
template <>
struct Arbitrary<ScenarioGene> {
  static Gen<ScenarioGene> arbitrary() { return scenario_gene(); }
};
}  // namespace rc

// --- properties ----------------------------------------------------------------------------------

RC_BOOST_PROP(random_scenarios_load_run_and_keep_every_invariant, (const ScenarioGene& gene)) {
  const json scenario = to_scenario(gene);
  const LoadResult loaded = load_scenario_text(scenario.dump(), "property.json");
  if (!loaded.ok()) {
    write_counterexample(scenario, "the generator wrote invalid input: " + loaded.errors().front().to_string());
    RC_FAIL("generated scenario does not load: " + loaded.errors().front().to_string());
  }
  RunOptions options;
  const RunReport first = run_scenario(loaded.scenario(), options);
  std::string failures;
  for (const auto& failure : first.failures) failures += failure.pointer + " " + failure.summary + "\n";
  if (!first.passed) {
    write_counterexample(scenario, "an invariant broke: " + failures);
    RC_FAIL("invariants broke (scenario in " + counterexample_path() + "):\n" + failures);
  }
  const RunReport second = run_scenario(loaded.scenario(), options);
  if (second.stats.fingerprint != first.stats.fingerprint) {
    write_counterexample(scenario, "two runs with one seed differ");
    RC_FAIL("nondeterministic: fingerprints " + first.stats.fingerprint + " and " + second.stats.fingerprint);
  }
  RC_TAG(gene.steps.empty() ? "no steps" : "steps");
}

RC_BOOST_PROP(generated_scenarios_survive_a_round_trip_through_the_loader, (const ScenarioGene& gene)) {
  // Loading the same text twice gives the same model (no hidden state in the loader), and
  // check-only validation agrees with a load.
  const std::string text = to_scenario(gene).dump(2);
  const LoadResult a = load_scenario_text(text, "p.json");
  const LoadResult b = load_scenario_text(text, "p.json");
  RC_ASSERT(a.ok());
  RC_ASSERT(b.ok());
  RC_ASSERT(a.scenario().wallets.size() == b.scenario().wallets.size());
  RC_ASSERT(a.scenario().timeline.size() == b.scenario().timeline.size());
  RC_ASSERT(format_time(a.scenario().until) == format_time(b.scenario().until));
}
