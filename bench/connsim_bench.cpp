// connsim_bench: what a user or maintainer tunes, measured.
//   EventLoop/*           the ns-3 kernel's event rate beside a bare binary-heap loop (ratio counter)
//   CoroutineSleep        an Asio coroutine resumed on virtual time (sim::Kernel::sleep)
//   Connect/<nat pair>    one connect through the ladder in a 2-wallet sim::World, per NAT class
//   NatBox/*              mapping lookups (outbound on a live flow, inbound filtering)
//   Presence/<N>          presence gossip to N wallets (N^2 deliveries into the stores)
//   LoadScenario/<N>      scenarios::load_scenario_text of an N-wallet scenario
//   RunScenario           scenarios::run_scenario of a small whole scenario
//   PeerExchange/*        building the bootstrap's message; a wallet's cache lookup in it
//   RetryDelay/<policy>   store::RetryPolicy::delay_after_failure + may_retry
// Every benchmark reports items_per_second in the unit its name states.
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"
#include "sim/kernel.hpp"
#include "sim/nat.hpp"
#include "sim/random.hpp"
#include "sim/wallet_node.hpp"
#include "sim/world.hpp"
#include "store/connection_service.hpp"
#include "store/retry_policy.hpp"

using namespace connsim;
using namespace std::chrono_literals;

namespace {

// --- event loops --------------------------------------------------------------------------------

/// The workload of both loops: `events` events at pseudo-random times in [0, 1 s), each a tiny
/// action, then the loop runs them all. Returns a checksum so nothing is optimised away.
constexpr std::uint64_t kLoopSeed = 42;

std::uint64_t run_ns3_loop(std::size_t events) {
  sim::Kernel kernel;
  sim::Stream rng(kLoopSeed);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < events; ++i) {
    kernel.schedule(store::Duration(rng.below(1'000'000'000)), [&sum, i] { sum += i; });
  }
  kernel.run_until(2s);
  return sum + kernel.events_executed();
}

/// A bare binary-heap event loop: what an event kernel costs at the least (time, then
/// insertion order; std::function actions, as the kernel's).
std::uint64_t run_heap_loop(std::size_t events) {
  struct Event {
    std::int64_t at;
    std::uint64_t seq;
    std::function<void()> action;
    bool operator>(const Event& other) const {
      return at != other.at ? at > other.at : seq > other.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue;
  sim::Stream rng(kLoopSeed);
  std::uint64_t sum = 0;
  std::uint64_t executed = 0;
  for (std::size_t i = 0; i < events; ++i) {
    queue.push(Event{static_cast<std::int64_t>(rng.below(1'000'000'000)), i, [&sum, i] { sum += i; }});
  }
  while (!queue.empty()) {
    auto action = std::move(const_cast<Event&>(queue.top()).action);
    queue.pop();
    action();
    ++executed;
  }
  return sum + executed;
}

double seconds_of(const std::function<void()>& work, int repeat) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / repeat;
}

void BM_EventLoop_Ns3(benchmark::State& state) {
  const auto events = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(run_ns3_loop(events));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events));
  // The ratio, measured side by side on the same workload (outside the timed loop).
  const double ns3 = seconds_of([&] { benchmark::DoNotOptimize(run_ns3_loop(events)); }, 3);
  const double heap = seconds_of([&] { benchmark::DoNotOptimize(run_heap_loop(events)); }, 3);
  state.counters["ns_per_event"] = ns3 * 1e9 / static_cast<double>(events);
  state.counters["heap_ns_per_event"] = heap * 1e9 / static_cast<double>(events);
  state.counters["ns3_over_heap"] = heap > 0 ? ns3 / heap : 0;
}
BENCHMARK(BM_EventLoop_Ns3)->Arg(1 << 10)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

void BM_EventLoop_BareHeap(benchmark::State& state) {
  const auto events = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(run_heap_loop(events));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events));
}
BENCHMARK(BM_EventLoop_BareHeap)->Arg(1 << 10)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

// --- coroutines on virtual time -----------------------------------------------------------------

void BM_CoroutineSleep(benchmark::State& state) {
  const auto coroutines = static_cast<int>(state.range(0));
  constexpr int kSleeps = 1000;
  for (auto _ : state) {
    sim::Kernel kernel;
    int resumed = 0;
    for (int c = 0; c < coroutines; ++c) {
      sim::asio::co_spawn(
          kernel.executor(),
          [&kernel, &resumed, c]() -> store::Task<void> {
            for (int i = 0; i < kSleeps; ++i) {
              co_await kernel.sleep(std::chrono::microseconds(100 + c));
              ++resumed;
            }
          },
          sim::asio::detached);
    }
    kernel.run_until(1h);
    benchmark::DoNotOptimize(resumed);
  }
  state.SetItemsProcessed(state.iterations() * coroutines * kSleeps);  // resumptions
}
BENCHMARK(BM_CoroutineSleep)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond);

// --- one connect through the ladder -------------------------------------------------------------

sim::WalletConfig bench_wallet(const std::string& id, sim::NatConfig nat) {
  sim::WalletConfig config;
  config.id = id;
  config.peer_id = id;
  config.nat = nat;
  config.relays = {0};
  return config;
}

/// Builds a 2-wallet world with one relay, lets both join, connects alice to bob at 5 s and
/// runs until the connect finishes. Returns whether it ended with the expected type.
bool connect_pair(sim::NatConfig a, sim::NatConfig b, store::ConnectionType expected) {
  sim::WorldConfig config;
  config.transport.close_detection = 0ms;  // the benchmarks were measured with this value
  config.relays.push_back(sim::relay_defaults("relay", sim::RelayImplementation::go));
  config.wallets.push_back(bench_wallet("alice", a));
  config.wallets.push_back(bench_wallet("bob", b));
  sim::Kernel kernel;
  sim::World world(kernel, std::move(config), /*keep_history=*/false);
  world.start();
  std::optional<store::ConnectResult> result;
  kernel.schedule(5s, [&] {
    sim::asio::co_spawn(kernel.executor(), world.wallet(0).stores().p2p.connect_to_online_peer("bob"),
                        [&](std::exception_ptr, store::ConnectResult r) { result = r; });
  });
  kernel.run_until(60s);
  return result && result->success && result->connection_type == expected;
}

void BM_Connect(benchmark::State& state, sim::NatConfig a, sim::NatConfig b, store::ConnectionType expected) {
  bool ok = true;
  for (auto _ : state) ok &= connect_pair(a, b, expected);
  if (!ok) state.SkipWithError("the connect did not end with the expected type");
  state.SetItemsProcessed(state.iterations());  // connects (each in a fresh 2-wallet world)
}
BENCHMARK_CAPTURE(BM_Connect, public_webrtc, sim::NatConfig::none(), sim::NatConfig::none(),
                  store::ConnectionType::webrtc)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Connect, cone_webrtc, sim::NatConfig::full_cone(), sim::NatConfig::port_restricted_cone(),
                  store::ConnectionType::webrtc)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Connect, symmetric_relay, sim::NatConfig::symmetric(), sim::NatConfig::symmetric(),
                  store::ConnectionType::relay)
    ->Unit(benchmark::kMicrosecond);

// --- NAT box lookups ----------------------------------------------------------------------------

sim::Endpoint remote(std::size_t i) {
  return sim::Endpoint{sim::ipv4(20, 0, 0, 0) + static_cast<std::uint32_t>(i / 100), static_cast<std::uint16_t>(1000 + i % 100)};
}

void BM_NatBox_Outbound(benchmark::State& state) {
  const auto flows = static_cast<std::size_t>(state.range(0));
  sim::NatBox box(sim::NatConfig::symmetric(), sim::ipv4(11, 0, 0, 1), 7);
  const sim::Endpoint internal{sim::ipv4(10, 0, 0, 2), 50000};
  for (std::size_t i = 0; i < flows; ++i) box.outbound(internal, remote(i), 0s);
  std::size_t i = 0;
  store::Duration now = 1s;
  for (auto _ : state) {
    benchmark::DoNotOptimize(box.outbound(internal, remote(i), now));
    if (++i == flows) i = 0;
    now += 1us;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NatBox_Outbound)->Arg(16)->Arg(1024);

void BM_NatBox_Inbound(benchmark::State& state) {
  const auto flows = static_cast<std::size_t>(state.range(0));
  sim::NatBox box(sim::NatConfig::port_restricted_cone(), sim::ipv4(11, 0, 0, 1), 7);
  const sim::Endpoint internal{sim::ipv4(10, 0, 0, 2), 50000};
  sim::Endpoint external{};
  for (std::size_t i = 0; i < flows; ++i) external = box.outbound(internal, remote(i), 0s);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(box.inbound(remote(i), external, 1s));
    if (++i == flows) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NatBox_Inbound)->Arg(16)->Arg(1024);

// --- presence gossip ----------------------------------------------------------------------------

/// N public wallets without relays join at 0 and advertise: N*(N-1) presence deliveries.
void BM_Presence(benchmark::State& state) {
  const auto wallets = static_cast<std::size_t>(state.range(0));
  std::uint64_t delivered = 0;
  for (auto _ : state) {
    sim::WorldConfig config;
    config.transport.close_detection = 0ms;  // the benchmarks were measured with this value
    for (std::size_t w = 0; w < wallets; ++w) {
      sim::WalletConfig wallet;
      wallet.id = "w" + std::to_string(w);
      wallet.peer_id = wallet.id;
      config.wallets.push_back(std::move(wallet));
    }
    sim::Kernel kernel;
    sim::World world(kernel, std::move(config), /*keep_history=*/false);
    world.start();
    kernel.run_until(1s);  // before the first peer exchange
    delivered = world.counters().presence_deliveries;
  }
  state.counters["deliveries"] = static_cast<double>(delivered);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(delivered));  // deliveries
}
BENCHMARK(BM_Presence)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// --- scenarios ----------------------------------------------------------------------------------

/// A scenario of `wallets` wallets (mixed NATs, two relays), each connecting to its two next
/// neighbours, as JSON text.
std::string scenario_text(std::size_t wallets, const std::string& until) {
  nlohmann::json timeline = nlohmann::json::array();
  for (std::size_t w = 1; w <= wallets; ++w) {
    timeline.push_back({{"at", std::to_string(2000 + 10 * w) + "ms"},
                        {"do", "connect_many"},
                        {"wallet", "w-" + std::to_string(w)},
                        {"peers",
                         {"w-" + std::to_string(w % wallets + 1), "w-" + std::to_string((w + 1) % wallets + 1)}}});
  }
  nlohmann::json wallet_group = {{"id", "w"}, {"count", wallets}};
  wallet_group["nat"]["mix"] = {{"none", 1}, {"full-cone", 1}, {"port-restricted-cone", 2}, {"symmetric", 1}};
  nlohmann::json scenario;
  scenario["format"] = "connsim/1";
  scenario["name"] = "bench-" + std::to_string(wallets);
  scenario["until"] = until;
  scenario["network"]["latency"] = {{"median", "40ms"}, {"p99", "200ms"}};
  scenario["network"]["loss"] = 0.01;
  scenario["network"]["relays"] = nlohmann::json::array({{{"id", "r1"}}, {{"id", "r2"}}});
  scenario["wallets"] = nlohmann::json::array({wallet_group});
  scenario["timeline"] = timeline;
  scenario["expect"] = nlohmann::json::array({{{"metric", "connect_success_rate"}, {"at_least", 0.1}}});
  return scenario.dump(1);
}

void BM_LoadScenario(benchmark::State& state) {
  const std::string text = scenario_text(static_cast<std::size_t>(state.range(0)), "1m");
  for (auto _ : state) {
    auto result = scenarios::load_scenario_text(text, "bench.json");
    if (!result.ok()) state.SkipWithError(result.errors().front().to_string().c_str());
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.SetItemsProcessed(state.iterations());  // scenarios
}
BENCHMARK(BM_LoadScenario)->Arg(10)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_RunScenario(benchmark::State& state) {
  auto loaded = scenarios::load_scenario_text(scenario_text(static_cast<std::size_t>(state.range(0)), "2m"),
                                              "bench.json");
  if (!loaded.ok()) {
    state.SkipWithError(loaded.errors().front().to_string().c_str());
    return;
  }
  scenarios::RunOptions options;
  options.keep_history = false;
  std::uint64_t seed = 1;
  std::uint64_t connects = 0;
  for (auto _ : state) {
    options.seed = seed++;
    auto report = scenarios::run_scenario(loaded.scenario(), options);
    connects += report.stats.connects;
    benchmark::DoNotOptimize(report);
  }
  state.counters["connects_per_second"] =
      benchmark::Counter(static_cast<double>(connects), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(state.iterations());  // runs
}
BENCHMARK(BM_RunScenario)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

// --- peer exchange ------------------------------------------------------------------------------

/// A world of N wallets that all hold a reservation on one of 4 relays.
struct ReservedWorld {
  sim::Kernel kernel;
  std::unique_ptr<sim::World> world;
  explicit ReservedWorld(std::size_t wallets) {
    sim::WorldConfig config;
    config.transport.close_detection = 0ms;  // the benchmarks were measured with this value
    for (int r = 0; r < 4; ++r) {
      auto relay = sim::relay_defaults("relay-" + std::to_string(r), sim::RelayImplementation::go);
      relay.max_reservations = static_cast<int>(wallets);
      config.relays.push_back(relay);
    }
    for (std::size_t w = 0; w < wallets; ++w) {
      sim::WalletConfig wallet;
      wallet.id = "w" + std::to_string(w);
      wallet.peer_id = wallet.id;
      wallet.relays = {w % 4};
      config.wallets.push_back(std::move(wallet));
    }
    world = std::make_unique<sim::World>(kernel, std::move(config), false);
    world->start();
    kernel.run_until(1500ms);  // reserved, before the first exchange at 2 s
  }
};

void BM_PeerExchange_Build(benchmark::State& state) {
  ReservedWorld fixture(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(fixture.world->build_peer_exchange());
  state.counters["peers"] =
      static_cast<double>(fixture.world->build_peer_exchange()->at("peers").size());
  state.SetItemsProcessed(state.iterations());  // messages
}
BENCHMARK(BM_PeerExchange_Build)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

/// The wallet side: a connection service (the fixed reader) holding one message looks a peer up.
class NullNetwork final : public store::Network {
 public:
  const store::PeerId& self_peer_id() const override { return self_; }
  std::optional<store::ConnectionType> existing_connection(const store::PeerId&) const override { return {}; }
  store::Task<store::DialOutcome> dial(const store::Multiaddr&) override { co_return store::DialOutcome::failure("x"); }
  store::Task<store::DialOutcome> dial_via_relay(const store::PeerId&) override {
    co_return store::DialOutcome::failure("x");
  }
  store::Task<store::DialOutcome> send(const store::PeerId&, std::string_view, std::string) override {
    co_return store::DialOutcome::failure("x");
  }
  void subscribe(store::NetworkEvents events) override { events_.push_back(std::move(events)); }
  std::vector<store::NetworkEvents> events_;

 private:
  store::PeerId self_ = "self";
};

class FixedClock final : public store::Clock {
 public:
  store::Duration now() const override { return 1s; }
  store::Task<void> sleep(store::Duration) override { co_return; }
};

void BM_PeerExchange_Lookup(benchmark::State& state) {
  const auto wallets = static_cast<std::size_t>(state.range(0));
  ReservedWorld fixture(wallets);
  auto message = fixture.world->build_peer_exchange();
  NullNetwork network;
  FixedClock clock;
  store::ConnectionServiceOptions options;
  options.peer_exchange_reader = store::PeerExchangeReader::fixed;
  boost::asio::io_context io;
  store::ConnectionService service(io.get_executor(), network, clock, nullptr, options);
  for (const auto& events : network.events_) {
    if (events.on_pubsub) events.on_pubsub(store::kPeerExchangeTopic, message);
  }
  std::size_t i = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    found += service.cached_relay_addresses("w" + std::to_string(i)).size();
    if (++i == wallets) i = 0;
  }
  if (found == 0) state.SkipWithError("nothing found in the peer exchange");
  state.SetItemsProcessed(state.iterations());  // lookups
}
BENCHMARK(BM_PeerExchange_Lookup)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// --- retry policy -------------------------------------------------------------------------------

void BM_RetryDelay(benchmark::State& state, store::RetryKind kind) {
  store::RetryPolicy policy;
  policy.kind = kind;
  policy.max_attempts = 5;
  sim::Stream rng(3);
  std::int64_t total = 0;
  for (auto _ : state) {
    for (int failed = 1; failed <= 5; ++failed) {
      const auto delay = policy.delay_after_failure(failed, &rng);
      if (policy.may_retry(failed, store::Duration(failed) * 1000000000, delay)) total += delay.count();
    }
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * 5);  // delay decisions
}
BENCHMARK_CAPTURE(BM_RetryDelay, fixed, store::RetryKind::fixed);
BENCHMARK_CAPTURE(BM_RetryDelay, exponential, store::RetryKind::exponential);
BENCHMARK_CAPTURE(BM_RetryDelay, exponential_jitter, store::RetryKind::exponential_jitter);
BENCHMARK_CAPTURE(BM_RetryDelay, deadline_bounded, store::RetryKind::deadline_bounded);

}  // namespace

BENCHMARK_MAIN();
