#include "scenarios/world_builder.hpp"

#include "sim/random.hpp"

namespace connsim::scenarios {

sim::LatencyModel to_latency_model(const LatencySpec& spec) {
  if (const auto* fixed = std::get_if<FixedLatency>(&spec)) return sim::LatencyModel::fixed(fixed->delay);
  if (const auto* log = std::get_if<LogNormalLatency>(&spec)) {
    return sim::LatencyModel::lognormal(log->median, log->p99);
  }
  const auto& uniform = std::get<UniformLatency>(spec);
  return sim::LatencyModel::uniform(uniform.min, uniform.max);
}

namespace {

sim::NatBehaviour behaviour(int value) {
  switch (value) {
    case 0: return sim::NatBehaviour::endpoint_independent;
    case 1: return sim::NatBehaviour::address_dependent;
    default: return sim::NatBehaviour::address_and_port_dependent;
  }
}

const NatBehavior& draw_nat(const NatSpec& spec, std::uint64_t seed, std::size_t wallet) {
  if (const auto* nat = std::get_if<NatBehavior>(&spec)) return *nat;
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

sim::NatConfig to_nat_config(const NatBehavior& nat) {
  if (nat.is_public) return sim::NatConfig::none();
  sim::NatConfig config = sim::NatConfig::of(behaviour(static_cast<int>(nat.mapping)),
                                             behaviour(static_cast<int>(nat.filtering)));
  config.mapping_timeout = nat.mapping_timeout;
  return config;
}

sim::WorldConfig build_world_config(const Scenario& scenario, std::uint64_t seed) {
  sim::WorldConfig world;
  world.seed = seed;
  const NetworkSpec& network = scenario.network;
  world.link.latency = to_latency_model(network.latency);
  world.link.loss = network.loss;
  world.transport.dial_timeout = network.dial_timeout;
  world.transport.address_dial_timeout = network.address_dial_timeout;
  world.transport.close_detection = network.close_detection;
  world.bootstrap.first_peer_exchange = network.bootstrap.first_peer_exchange;
  world.bootstrap.peer_exchange_interval = network.bootstrap.peer_exchange_interval;
  world.bootstrap.presence_ttl = network.presence_ttl;
  world.bootstrap.readvertise_interval = network.readvertise_interval;
  world.ice.check_interval = network.ice.check_interval;
  world.ice.failed_timeout = network.ice.failed_timeout;

  for (const Relay& relay : network.relays) {
    sim::RelayConfig config;
    config.id = relay.id;
    config.implementation = std::string(to_string(relay.implementation));
    config.access_latency = to_latency_model(relay.latency);
    config.max_reservations = relay.max_reservations;
    config.reservation_ttl = relay.reservation_ttl;
    config.circuit_duration = relay.circuit_duration > Duration::zero() ? relay.circuit_duration
                                                                         : Duration::max() / 4;
    config.circuit_bytes = relay.circuit_bytes > 0 ? relay.circuit_bytes : UINT64_MAX / 4;
    config.bytes_both_directions = relay.circuit_byte_counting == CircuitByteCounting::both_directions;
    config.slot_held_after_disconnect = !relay.reservation_ends_on_disconnect;
    world.relays.push_back(std::move(config));
  }

  for (std::size_t i = 0; i < scenario.wallets.size(); ++i) {
    const Wallet& wallet = scenario.wallets[i];
    sim::WalletConfig config;
    config.id = wallet.id;
    config.peer_id = wallet.peer_id;
    config.nickname = wallet.nickname;
    config.nat = to_nat_config(draw_nat(wallet.nat, seed, i));
    for (const auto& relay : wallet.relays) config.relays.push_back(scenario.relay_index.at(relay));
    config.webrtc = wallet.webrtc;
    config.online_at = wallet.online_at;
    config.access_latency = to_latency_model(wallet.access_latency);
    switch (wallet.relay_reconnect.kind) {
      case RelayReconnectKind::none: config.relay_reconnect.mode = sim::RelayReconnect::Mode::none; break;
      case RelayReconnectKind::keep_alive:
        config.relay_reconnect.mode = sim::RelayReconnect::Mode::keep_alive;
        break;
      case RelayReconnectKind::interval:
        config.relay_reconnect.mode = sim::RelayReconnect::Mode::interval;
        config.relay_reconnect.interval = wallet.relay_reconnect.interval;
        break;
    }
    config.inbound_limit = wallet.inbound_limit;
    config.broadcast_skips_relay = wallet.sdk.broadcast_skips_relay;
    config.p2p = wallet.store.p2p;
    config.service = wallet.store.connection;
    config.musig2 = wallet.store.musig2;
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
