#include "scenarios/runner.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <exception>
#include <type_traits>
#include <ostream>

#include <nlohmann/json.hpp>

#include "scenarios/checks.hpp"
#include "scenarios/invariants.hpp"
#include "scenarios/world_builder.hpp"
#include "sim/packet/packet_paths.hpp"
#include "sim/external_stores.hpp"
#include "sim/js/js_run.hpp"
#include "sim/kernel.hpp"
#include "sim/store_front.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"

namespace connsim::scenarios {

namespace {

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}


/// Drives one run: the world, the timeline and the getter snapshots.
/// The Paths backend the run uses: the fast model unless the scenario or --backend asks for
/// packets.
sim::PathsFactory paths_for(const Scenario& scenario, const RunOptions& options) {
  if (options.backend.value_or(scenario.network.backend) != Backend::packet) return {};
  sim::packet::PacketOptions packet;
  if (!options.pcap_directory.empty()) {
    // One directory per scenario: its name as a safe file name; a name that had to change gets
    // a hash of the original, so two names never share a directory.
    std::string directory = scenario.name;
    bool changed = false;
    for (char& c : directory) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
        c = '_';
        changed = true;
      }
    }
    if (changed || directory == "." || directory == "..") {
      std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
      for (unsigned char c : scenario.name) hash = (hash ^ c) * 1099511628211ULL;
      char suffix[20];
      std::snprintf(suffix, sizeof suffix, "-%08llx", static_cast<unsigned long long>(hash & 0xffffffffULL));
      directory += suffix;
    }
    packet.pcap_directory = options.pcap_directory + "/" + directory;
  }
  if (scenario.network.bandwidth_mbps) {
    packet.bits_per_second = static_cast<std::uint64_t>(*scenario.network.bandwidth_mbps * 1e6);
  }
  return sim::packet::packet_paths_factory(packet);
}

class Driver {
 public:
  Driver(const Scenario& scenario, const RunOptions& options, std::uint64_t seed)
      : scenario_(scenario),
        options_(options),
        world_(kernel_, build_world_config(scenario, seed), options.keep_history, paths_for(scenario, options)),
        steps_(scenario.timeline.size()),
        snapshots_(scenario.expectations.size()) {
    attach_js_stores();
  }

  void run() {
    std::optional<std::chrono::duration<double>> max_wall;
    if (options_.max_wall_seconds) max_wall = std::chrono::duration<double>(*options_.max_wall_seconds);
    kernel_.set_limits(options_.max_events, max_wall);
    world_.start();
    std::vector<std::size_t> order(scenario_.timeline.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return scenario_.timeline[a].at < scenario_.timeline[b].at;
    });
    for (std::size_t i : order) schedule_step(i, scenario_.timeline[i].at, 1);
    for (const auto& expectation : scenario_.expectations) {
      if (const auto* getter = std::get_if<GetterExpectation>(&expectation.body)) {
        // A getter at time t reads after everything that happens at t (as status and events
        // expectations with `at` count writes at t); one at `until` reads after the run.
        if (getter->at && *getter->at < scenario_.until) {
          const std::size_t index = expectation.index;
          kernel_.schedule(*getter->at + Duration(1), [this, index, getter] {
            snapshots_[index] = read_getter(*getter);
          });
        }
      }
    }
    kernel_.run_until(scenario_.until);
    for (const auto& expectation : scenario_.expectations) {
      if (const auto* getter = std::get_if<GetterExpectation>(&expectation.body)) {
        if (!snapshots_[expectation.index]) snapshots_[expectation.index] = read_getter(*getter);
      }
    }
  }

  sim::Kernel& kernel() { return kernel_; }
  sim::World& world() { return world_; }
  /// Why the JavaScript stores failed the run, if they did.
  std::optional<std::string> js_failure() const { return js_ ? js_->failure() : std::nullopt; }
  std::vector<StepOutcome>& steps() { return steps_; }
  std::vector<std::optional<GetterValue>>& snapshots() { return snapshots_; }

 private:
  std::size_t wallet(const std::string& id) const { return scenario_.wallet_index.at(id); }
  std::size_t relay(const std::string& id) const { return scenario_.relay_index.at(id); }
  store::PeerId peer_of(const std::string& wallet_id) const {
    return scenario_.wallets[wallet(wallet_id)].peer_id;
  }

  /// Wallets whose stores are JavaScript (the scenario's store.implementation, or --store)
  /// get them from one host for the run.
  void attach_js_stores() {
    std::vector<std::optional<std::string>> js_options(scenario_.wallets.size());
    bool any = false;
    for (std::size_t w = 0; w < scenario_.wallets.size(); ++w) {
      const auto& store = scenario_.wallets[w].store;
      if (options_.store.value_or(store.implementation) != sim::StoreImplementation::js) continue;
      js_options[w] = store.as_written;
      any = true;
    }
    if (any) js_ = std::make_unique<sim::js::JsRun>(world_, js_options, options_.store_path);
  }

  GetterValue read_getter(const GetterExpectation& getter) {
    const sim::WalletNode& node = world_.wallet(wallet(getter.wallet));
    GetterValue value;
    value.at = getter.at.value_or(kernel_.now());
    switch (getter.getter) {
      case Getter::connected_online_peer_count:
        value.value = static_cast<std::uint64_t>(sim::connected_online_peer_count(node));
        break;
      case Getter::is_peer_connected:
        value.value = sim::is_peer_connected(node, peer_of(*getter.peer));
        break;
      case Getter::peer_status:
        value.value = sim::peer_connection_status(node, peer_of(*getter.peer));
        break;
    }
    return value;
  }

  void schedule_step(std::size_t index, Duration at, std::uint64_t run) {
    kernel_.schedule(at - kernel_.now(), [this, index, run] {
      const Step& step = scenario_.timeline[index];
      execute(step);
      if (step.repeat) {
        const auto& repeat = *step.repeat;
        const bool more = !repeat.times || run < *repeat.times;
        const Duration next = kernel_.now() + repeat.every;
        if (more && next <= scenario_.until) schedule_step(index, next, run + 1);
      }
    });
  }

  std::string cause(const Step& step) const {
    return step.id ? "step " + *step.id : "step " + std::to_string(step.index);
  }

  void log(const std::string& line) {
    if (options_.log != nullptr) *options_.log << "[" << sim::format_time(kernel_.now()) << "] " << line << "\n";
  }

  template <typename T, typename Make>
  void spawn_for_result(const Step& step, std::size_t wallet_index, Make make) {
    StepOutcome& outcome = steps_[step.index];
    outcome.runs += 1;
    outcome.finished = false;
    outcome.abandoned = false;
    outcome.started = kernel_.now();
    outcome.value = std::monostate{};
    outcome.exception.reset();
    const std::size_t index = step.index;
    const std::size_t run = outcome.runs;
    const Duration started = kernel_.now();
    const std::uint64_t process = world_.wallet(wallet_index).process_count();
    sim::asio::co_spawn(kernel_.executor(), make(), [this, index, run, wallet_index, process, started](
                                                        std::exception_ptr error, T value) {
      StepOutcome& done = steps_[index];
      if constexpr (std::is_same_v<T, store::ProposeSpendResult>) {
        if (!error && value.session_id) record_spend(done, wallet_index, *value.session_id, started);
      } else {
        (void)started;  // only a spend's result records when it started
      }
      if (done.runs != run) return;  // a later run of a repeated step took over
      if (world_.wallet(wallet_index).process_count() != process) {
        done.abandoned = true;  // the page that awaited this promise is gone
        log(cause(scenario_.timeline[index]) + " abandoned: the wallet reloaded");
        return;
      }
      done.finished = true;
      done.finished_at = kernel_.now();
      if (error) {
        done.exception = store::error_message(error);
        log(cause(scenario_.timeline[index]) + " threw: " + *done.exception);
      } else {
        done.value = std::move(value);
        log(cause(scenario_.timeline[index]) + " finished");
      }
    });
  }

  /// The session a proposeSpend just created is the newest coordinator record with its id.
  void record_spend(StepOutcome& outcome, std::size_t wallet_index, const std::string& id, Duration started) {
    const auto& sessions = world_.wallet(wallet_index).records().sessions;
    for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
      if (it->coordinator && it->session_id == id) {
        outcome.spends.push_back(SpendRun{id, it->generation, started});
        return;
      }
    }
  }

  void execute(const Step& step) {
    const std::string tag = cause(step);
    world_.history().record(kernel_.now(), sim::StepRan{step.id, step.index, spelling_of(step.kind())});
    std::visit([&](const auto& action) { run_action(step, tag, action); }, step.action);
  }

  void run_action(const Step& step, const std::string& tag, const ConnectAction& a) {
    log(tag + ": " + a.wallet + " connect " + a.peer);
    sim::WalletNode& node = world_.wallet(wallet(a.wallet));
    spawn_for_result<store::ConnectResult>(step, wallet(a.wallet), [&node, peer = peer_of(a.peer)] {
      return sim::connect_to_online_peer(node, peer);
    });
  }
  void run_action(const Step& step, const std::string& tag, const ConnectManyAction& a) {
    log(tag + ": " + a.wallet + " connect_many (" + std::to_string(a.peers.size()) + " peers)");
    sim::WalletNode& node = world_.wallet(wallet(a.wallet));
    std::vector<store::PeerId> peers;
    for (const auto& id : a.peers) peers.push_back(peer_of(id));
    spawn_for_result<store::ResultMap<store::ConnectResult>>(
        step, wallet(a.wallet), [&node, peers = std::move(peers)] { return sim::connect_to_multiple_peers(node, peers); });
  }
  void run_action(const Step& step, const std::string& tag, const ProposeSpendAction& a) {
    log(tag + ": " + a.wallet + " propose_spend " + a.shared_wallet);
    sim::WalletNode& node = world_.wallet(wallet(a.wallet));
    store::SpendProposalParams params{a.shared_wallet, a.recipient, a.amount_sats};
    spawn_for_result<store::ProposeSpendResult>(step, wallet(a.wallet), [&node, params] { return sim::propose_spend(node, params); });
  }
  void run_action(const Step&, const std::string& tag, const GoOfflineAction& a) {
    log(tag + ": " + a.wallet + " goes offline");
    world_.go_offline(wallet(a.wallet), tag);
  }
  void run_action(const Step&, const std::string& tag, const GoOnlineAction& a) {
    log(tag + ": " + a.wallet + " goes online");
    world_.go_online(wallet(a.wallet), tag);
  }
  void run_action(const Step&, const std::string& tag, const ReloadAction& a) {
    log(tag + ": " + a.wallet + " reloads");
    world_.reload(wallet(a.wallet), tag);
  }
  void run_action(const Step&, const std::string& tag, const RelayDownAction& a) {
    log(tag + ": relay " + a.relay + " down");
    const std::size_t r = relay(a.relay);
    world_.relay_down(r, tag);
    if (a.for_duration) kernel_.schedule(*a.for_duration, [this, r, tag] { world_.relay_up(r, tag + " (for)"); });
  }
  void run_action(const Step&, const std::string& tag, const RelayUpAction& a) {
    log(tag + ": relay " + a.relay + " up");
    world_.relay_up(relay(a.relay), tag);
  }
  void run_action(const Step&, const std::string& tag, const PartitionAction& a) {
    std::set<sim::HostId> sides[2];
    for (int s = 0; s < 2; ++s) {
      for (const auto& id : a.between[s]) {
        if (auto it = scenario_.wallet_groups.find(id); it != scenario_.wallet_groups.end()) {
          for (std::size_t w : it->second) sides[s].insert(world_.wallet_host(w));
        } else if (scenario_.wallet_index.count(id)) {
          sides[s].insert(world_.wallet_host(wallet(id)));
        } else if (scenario_.relay_index.count(id)) {
          sides[s].insert(world_.relay_host(relay(id)));
        } else if (id == "bootstrap") {
          sides[s].insert(world_.bootstrap_host());
        }
      }
    }
    log(tag + ": partition");
    const std::uint64_t id = world_.partition(std::move(sides[0]), std::move(sides[1]), tag);
    if (a.for_duration) kernel_.schedule(*a.for_duration, [this, id, tag] { world_.heal_partition(id, tag + " (for)"); });
  }
  void run_action(const Step&, const std::string& tag, const HealAction&) {
    log(tag + ": heal");
    world_.heal_all(tag);
  }
  void run_action(const Step&, const std::string& tag, const DropConnectionAction& a) {
    log(tag + ": drop connection " + a.wallet + " - " + a.peer);
    world_.drop_connection(wallet(a.wallet), wallet(a.peer), tag);
  }
  void run_action(const Step&, const std::string& tag, const NatRebindAction& a) {
    log(tag + ": NAT rebind " + a.wallet);
    world_.nat_rebind(wallet(a.wallet), tag);
  }
  void run_action(const Step&, const std::string& tag, const SetNetworkAction& a) {
    log(tag + ": set network");
    world_.set_link(a.latency, a.loss, tag);
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  sim::Kernel kernel_;
  std::unique_ptr<sim::js::JsRun> js_;  // declared before world_: outlives the wallets' JsWallets
  sim::World world_;
  std::vector<StepOutcome> steps_;
  std::vector<std::optional<GetterValue>> snapshots_;
};

}  // namespace

RunReport run_scenario(const Scenario& scenario, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();  // --stats only; never in history
  RunReport report;
  report.name = scenario.name;
  report.file = scenario.source_file;
  report.seed = options.seed.value_or(scenario.seed);
  {
    Driver driver(scenario, options, report.seed);
    driver.run();
    sim::World& world = driver.world();
    for (std::size_t w = 0; w < world.wallet_count(); ++w) {
      report.wallet_ids.push_back(world.wallet_config(w).id);
      report.wallet_peer_ids.push_back(world.wallet_config(w).peer_id);
      report.records.push_back(world.wallet(w).records());
    }
    report.steps = driver.steps();
    report.metrics = compute_metrics(scenario, report.records, report.steps, scenario.until);
    const auto& stopped = driver.kernel().stopped_early();
    if (stopped) {
      // A run cut short says so, and nothing else: its expectations and invariants would only
      // report the missing rest of the run.
      report.failures.push_back(Failure{0, "", "stopped early at " + sim::format_time(driver.kernel().now()) + " of " +
                                                   sim::format_time(scenario.until) + ": " + *stopped,
                                        ""});
    } else {
      CheckContext context{scenario, report, driver.snapshots(), world.history()};
      report.failures = check_expectations(context);
    }
    if (auto js_failure = driver.js_failure()) {
      // The JavaScript store threw, or its host died or went silent: the run means nothing more.
      report.failures.insert(report.failures.begin(), Failure{0, "", *js_failure, ""});
      report.store_failure = *js_failure;
    }
    report.stats.events = driver.kernel().events_executed();
    report.stats.connections = world.counters().connections_opened;
    report.stats.fingerprint = world.history().fingerprint_hex();
    report.stats.history_entries = world.history().size();
    for (std::size_t r = 0; r < world.relay_count(); ++r) {
      report.stats.relay_circuits_opened += world.relay(r).circuits_opened;
      report.stats.relay_circuits_refused += world.relay(r).circuits_refused;
      report.stats.relay_reservations_refused += world.relay(r).reservations_refused;
    }
    report.stats.presence_deliveries = world.counters().presence_deliveries;
    report.stats.backend = options.backend.value_or(scenario.network.backend);
    report.stats.packets = world.paths().packets();
    report.stats.backend_counters = world.paths().named_counters();
    report.history = world.history().release_entries();  // the world's history is done with
    if (!stopped) append_invariant_failures(report, check_invariants(observe_run(scenario, report, world)));
    for (std::size_t w = 0; w < world.wallet_count() && !options.export_log_wallet.empty(); ++w) {
      if (world.wallet_config(w).id != options.export_log_wallet) continue;
      sim::ExternalStores* external = world.wallet(w).external_stores();
      nlohmann::json log;
      if (external != nullptr && external->field_log(log)) report.exported_log = log.dump();
    }
  }
  for (const auto& records : report.records) {
    report.stats.connect_attempts += records.attempts.size();
    report.stats.connects += records.connects.size();
  }
  report.passed = report.failures.empty();
  report.stats.sim_seconds = std::chrono::duration<double>(scenario.until).count();
  report.stats.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  report.stats.peak_rss_kb = peak_rss_kb();
  return report;
}

}  // namespace connsim::scenarios
