// The world's knobs, grouped per component, every default in one place with its unit in the
// name and its field source in a comment (field-notes §2 unless said otherwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/ice.hpp"
#include "sim/latency.hpp"
#include "sim/nat.hpp"
#include "store/connection_service.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"

namespace connsim::sim {

using namespace std::chrono_literals;

/// The shared network between hosts.
struct LinkConfig {
  LatencyModel latency = LatencyModel::fixed(40ms);  // one-way, per message
  double loss = 0.0;                                   // per one-way trip
  Duration retransmit_timeout = 1s;                    // a lost trip is resent after this
  int max_transmissions = 5;                           // then the trip fails
};

/// libp2p transport and connection behaviour.
struct TransportConfig {
  int setup_round_trips = 6;            // TCP + Noise + Yamux ≈ 6-7 RTTs
  int circuit_upgrade_round_trips = 2;  // Noise + Yamux over an established circuit
  Duration dial_timeout = 10s;          // js-libp2p, one dial
  Duration address_dial_timeout = 6s;   // js-libp2p, per address
  Duration close_detection = 0ms;       // extra delay after the FIN's one-way trip
  Duration relay_close_detection = 30ms;     // relay restart: both sides saw it within ~30 ms
  Duration silent_close_detection = 30s;     // ICE: disconnected 5 s + failed 25 s
  Duration keepalive_interval = 30s;         // consent freshness on an idle WebRTC path
  std::uint64_t circuit_setup_bytes = 24 * 1024;  // handshake + identify over a new circuit
  std::uint64_t message_overhead_bytes = 64;      // framing per protocol message
  Duration inbound_limit_window = 1s;             // the inbound limit counts per this window
};

/// A circuit-relay-v2 relay.
struct RelayConfig {
  std::string id;
  std::string implementation = "go";
  LatencyModel access_latency = LatencyModel::fixed(0ms);  // added to the network's
  int max_reservations = 128;                 // go 128, js 15
  Duration reservation_ttl = 1h;              // go 1 h, js 2 h
  Duration circuit_duration = 2min;           // relayed connection limit
  std::uint64_t circuit_bytes = 131072;       // 128 KiB
  bool bytes_both_directions = false;         // js: one counter over both directions
  bool slot_held_after_disconnect = false;    // js: a slot stays taken until its TTL
};

/// What a wallet's node does after losing a relay reservation.
struct RelayReconnect {
  enum class Mode { none, keep_alive, interval };
  Mode mode = Mode::none;                     // js-libp2p default: never renewed until reload
  Duration interval = Duration::zero();       // Mode::interval: the app's redial period
};

/// The keep-alive redial schedule of libp2p's reconnect queue: ~0, 1, 3, 7, 15, 31 s.
inline const std::vector<Duration>& keep_alive_redials() {
  static const std::vector<Duration> delays{0s, 1s, 3s, 7s, 15s, 31s};
  return delays;
}

struct WalletConfig {
  std::string id;
  store::PeerId peer_id;
  std::optional<std::string> nickname;
  NatConfig nat = NatConfig::none();          // "none": a public host
  std::vector<std::size_t> relays;            // indices into WorldConfig::relays
  bool webrtc = true;
  Duration online_at = 0s;
  LatencyModel access_latency = LatencyModel::fixed(0ms);
  RelayReconnect relay_reconnect;
  int inbound_limit = 5;                      // new inbound connections per second per host
  bool broadcast_skips_relay = true;          // the SDK's broadcast skipped relay circuits (bug 2)
  store::P2PStoreOptions p2p;
  store::ConnectionServiceOptions service;
  store::Musig2StoreOptions musig2;
};

struct SharedWalletConfig {
  std::string id;
  std::vector<std::size_t> participants;      // wallet indices
};

struct BootstrapConfig {
  Duration first_peer_exchange = 2s;
  Duration peer_exchange_interval = 10s;
  Duration presence_ttl = 1h;
  Duration readvertise_interval = 0s;         // 0: advertise on join and on new reservations only
};

struct WorldConfig {
  std::uint64_t seed = 1;
  LinkConfig link;
  TransportConfig transport;
  BootstrapConfig bootstrap;
  IceConfig ice;
  Duration reload_time = 1s;                  // a page reload: offline this long, then rejoin
  std::vector<RelayConfig> relays;
  std::vector<WalletConfig> wallets;
  std::vector<SharedWalletConfig> shared_wallets;
};

/// A relay's implementation defaults ("go" or "js"); other fields keep their values.
RelayConfig relay_defaults(const std::string& id, const std::string& implementation);

}  // namespace connsim::sim
