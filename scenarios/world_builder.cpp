#include "scenarios/world_builder.hpp"

#include "sim/random.hpp"

namespace connsim::scenarios {

namespace {

const sim::NatConfig& draw_nat(const NatSpec& spec, std::uint64_t seed, std::size_t wallet) {
  if (const auto* nat = std::get_if<sim::NatConfig>(&spec)) return *nat;
  const auto& mix = std::get<NatMix>(spec);
  double total = 0;
  for (const auto& entry : mix.entries) total += entry.weight;
  sim::Stream rng(sim::stream_seed(seed, "nat-mix", wallet));
  double pick = rng.next_unit() * total;
  for (const auto& entry : mix.entries) {
    if (pick < entry.weight) return entry.nat;
    pick -= entry.weight;
  }
  return mix.entries.back().nat;
}

}  // namespace

sim::WorldConfig build_world_config(const Scenario& scenario, std::uint64_t seed) {
  sim::WorldConfig world;
  world.seed = seed;
  const NetworkSpec& network = scenario.network;
  world.link = network.link;
  world.transport = network.transport;
  world.bootstrap = network.bootstrap;
  world.ice = network.ice;
  for (const Relay& relay : network.relays) world.relays.push_back(relay);  // without its source

  for (std::size_t i = 0; i < scenario.wallets.size(); ++i) {
    const Wallet& wallet = scenario.wallets[i];
    sim::WalletConfig config;
    static_cast<sim::WalletSettings&>(config) = wallet;
    config.nat = draw_nat(wallet.nat, seed, i);
    for (const auto& relay : wallet.relays) config.relays.push_back(scenario.relay_index.at(relay));
    world.wallets.push_back(std::move(config));
  }

  for (const SharedWallet& shared : scenario.shared_wallets) {
    sim::SharedWalletConfig config;
    config.id = shared.id;
    for (const auto& participant : shared.participants) {
      config.participants.push_back(scenario.wallet_index.at(participant));
    }
    world.shared_wallets.push_back(std::move(config));
  }
  return world;
}

}  // namespace connsim::scenarios
