// The world's settings, grouped per component: the one home of every knob's type and default.
// The scenario model (scenarios/model.hpp) reuses these structs and the loader decodes a
// scenario file straight into them; tests and benchmarks build them directly. Each default is
// written once, here (or with its model: NatConfig in sim/nat.hpp, IceConfig in sim/ice.hpp),
// with its unit and a one-line source ("field notes" = field-notes §2 unless said otherwise;
// "contract" = scenarios/FORMAT.md's default).
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
#include "store/spelling.hpp"

namespace connsim::sim {

using namespace std::chrono_literals;

/// The shared network between hosts.
struct LinkConfig {
  LatencyModel latency = LatencyModel::fixed(40ms);  // one-way, per message (contract)
  double loss = 0.0;                                   // probability per one-way trip (contract)
  Duration retransmit_timeout = 1s;                    // a lost trip is resent after this
  int max_transmissions = 5;                           // then the trip fails
};

/// libp2p transport and connection behaviour.
struct TransportConfig {
  int setup_round_trips = 6;            // TCP + Noise + Yamux ≈ 6-7 RTTs (field notes)
  int circuit_upgrade_round_trips = 2;  // Noise + Yamux over an established circuit
  Duration dial_timeout = 10s;          // one dial (js-libp2p)
  Duration address_dial_timeout = 6s;   // per address (js-libp2p)
  Duration close_detection = 1s;        // far end notices a closed connection this long after the FIN's trip (contract)
  Duration relay_close_detection = 30ms;     // relay restart: both sides saw it within ~30 ms
  Duration silent_close_detection = 30s;     // ICE: disconnected 5 s + failed 25 s (pion)
  Duration keepalive_interval = 30s;         // consent freshness on an idle WebRTC path
  std::uint64_t circuit_setup_bytes = 24 * 1024;  // handshake + identify over a new circuit
  std::uint64_t message_overhead_bytes = 64;      // framing per protocol message
  Duration inbound_limit_window = 1s;             // the inbound limit counts per this window
};

/// Which libp2p implements a relay; decides the numbers of set_implementation.
enum class RelayImplementation { go, js };

inline constexpr auto kRelayImplementationSpellings =
    in_enum_order<RelayImplementation>("go", "js");
SpellingTable<kRelayImplementationSpellings> spellings(RelayImplementation);

/// How a relay counts `circuit_bytes`.
enum class CircuitByteCounting {
  per_direction,    // go: each direction may carry circuit_bytes
  both_directions,  // js: one counter for both directions, handshake and framing included
};

/// A circuit-relay-v2 relay. The defaults are go-libp2p's; set_implementation gives js's.
struct RelayConfig {
  std::string id;
  RelayImplementation implementation = RelayImplementation::go;
  LatencyModel access_latency = LatencyModel::fixed(0ms);  // added to the network's (contract)
  int max_reservations = 128;                // slots (go 128, js 15; field notes)
  Duration reservation_ttl = 1h;             // go 1 h, js 2 h (field notes)
  /// go: a reservation ends when its wallet disconnects; js: the slot stays taken until its TTL.
  bool reservation_ends_on_disconnect = true;
  CircuitByteCounting circuit_byte_counting = CircuitByteCounting::per_direction;
  Duration circuit_duration = 2min;          // relayed connection limit, 0 = none (circuit relay v2)
  std::uint64_t circuit_bytes = 131072;      // 128 KiB relayed data limit, 0 = none (circuit relay v2)
};

/// Sets `relay.implementation` and the numbers it decides (go: the RelayConfig defaults;
/// js: 15 slots, 2 h, slot held until its TTL, bytes counted over both directions). The other
/// fields keep their values.
void set_implementation(RelayConfig& relay, RelayImplementation implementation);

/// A relay with the defaults of `implementation`.
RelayConfig relay_defaults(std::string id, RelayImplementation implementation);

/// What a wallet's node does after losing a relay reservation.
struct RelayReconnect {
  enum class Mode {
    none,        // not renewed until the wallet reloads (js-libp2p default)
    keep_alive,  // redial per keep_alive_redials(), then give up
    interval,    // redial each lost relay every `interval` until it holds one again
  };
  Mode mode = Mode::none;                     // js-libp2p default (measured)
  Duration interval = Duration::zero();       // Mode::interval: the app's redial period (> 0)
};

/// The keep-alive redial schedule of libp2p's reconnect queue: ~0, 1, 3, 7, 15, 31 s.
inline const std::vector<Duration>& keep_alive_redials() {
  static const std::vector<Duration> delays{0s, 1s, 3s, 7s, 15s, 31s};
  return delays;
}

/// Which implementation runs a wallet's stores: the C++ port in process (the fast path), or the
/// wallet's own JavaScript in the run's Node host (sim/js/, js/PROTOCOL.md).
enum class StoreImplementation { cpp, js };

inline constexpr auto kStoreImplementationSpellings =
    in_enum_order<StoreImplementation>("cpp", "js");
SpellingTable<kStoreImplementationSpellings> spellings(StoreImplementation);

/// The wallet's stores. Defaults are the seed's production values (store/).
struct WalletStoreOptions {
  StoreImplementation implementation = StoreImplementation::cpp;
  /// The scenario's `store` object as written (JSON text; empty when absent): a JavaScript
  /// store reads its options from it.
  std::string as_written;
  store::P2PStoreOptions p2p;
  store::ConnectionServiceOptions connection;
  store::Musig2StoreOptions musig2;
};

/// The wallet's SDK (below the stores).
struct SdkOptions {
  bool broadcast_skips_relay = true;  // the SDK's broadcast skipped relay circuits (field bug 2)
};

/// A wallet's settings that need nothing resolved: shared by the world's WalletConfig and the
/// scenario's Wallet (which name NAT and relays differently).
struct WalletSettings {
  std::string id;
  store::PeerId peer_id;
  std::optional<std::string> nickname;
  bool webrtc = true;                                       // can upgrade to WebRTC (contract)
  Duration online_at = 0s;                                  // first joins the network
  LatencyModel access_latency = LatencyModel::fixed(0ms);   // added to the network's (contract)
  RelayReconnect relay_reconnect;
  int inbound_limit = 5;  // new inbound connections per second per remote host (measured)
  WalletStoreOptions store;
  SdkOptions sdk;
};

struct WalletConfig : WalletSettings {
  NatConfig nat = NatConfig::none();          // "none": a public host
  std::vector<std::size_t> relays;            // indices into WorldConfig::relays
};

struct SharedWalletConfig {
  std::string id;
  std::vector<std::size_t> participants;      // wallet indices
};

struct BootstrapConfig {
  Duration first_peer_exchange = 2s;          // first broadcast (field-notes §1)
  Duration peer_exchange_interval = 10s;      // broadcast period (field-notes §1)
  Duration presence_ttl = 1h;                 // lifetime of an advertisement (field-notes §1)
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

}  // namespace connsim::sim
