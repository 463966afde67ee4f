// WalletNode: one simulated wallet: its libp2p node (implementing the store's Network
// interface on top of the World) and the production stores running on it, unchanged.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "sim/config.hpp"
#include "sim/host_ids.hpp"
#include "sim/nat.hpp"
#include "sim/random.hpp"
#include "sim/records.hpp"
#include "sim/sim_clock.hpp"
#include "store/connection_service.hpp"
#include "store/contacts_store.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/subscribable_network.hpp"

namespace connsim::sim {

class World;
class WalletNode;
class ExternalStores;

/// The libp2p node as one wallet process sees it: the store's Network interface. A process that
/// has exited (by a reload) is detached: its calls fail and it receives no more events.
class NodeProcess final : public store::SubscribableNetwork {
 public:
  explicit NodeProcess(WalletNode& node) : node_(node) {}
  const store::PeerId& self_peer_id() const override;
  std::optional<store::ConnectionType> existing_connection(const store::PeerId& peer) const override;
  store::Task<store::DialOutcome> dial(const store::Multiaddr& address) override;
  store::Task<store::DialOutcome> dial_via_relay(const store::PeerId& peer) override;
  store::Task<store::DialOutcome> send(const store::PeerId& peer, std::string_view protocol,
                                       std::string payload) override;

  void exit() {
    alive_ = false;
    unsubscribe_all();
  }
  bool alive() const { return alive_; }

 private:
  WalletNode& node_;
  bool alive_ = true;
};

/// The stores of one wallet process, on their own NodeProcess; replaced wholesale by a reload.
struct WalletStores {
  NodeProcess network;
  store::ContactsStore contacts;
  store::ConnectionService service;
  store::P2PStore p2p;
  store::Musig2Store musig2;

  WalletStores(WalletNode& node, store::Executor executor, store::Clock& clock, store::Rng& rng,
               const WalletConfig& config);
};

class WalletNode final : private store::P2PStoreObserver, private store::Musig2Observer {
 public:
  WalletNode(World& world, std::size_t index, const WalletConfig& config, SimClock& clock,
             std::uint64_t seed);
  ~WalletNode() override;

  World& world() { return world_; }
  // --- the world's side -----------------------------------------------------------------------
  const WalletConfig& config() const { return config_; }
  std::size_t index() const { return index_; }
  bool online() const { return online_; }
  /// Bumped whenever the node leaves the network: work begun before is void.
  std::uint64_t generation() const { return generation_; }
  WalletStores& stores() { return *stores_; }
  const WalletStores& stores() const { return *stores_; }
  /// Stores that run outside this process (sim/external_stores.hpp), or null: the C++ stores.
  /// Set before the world starts; from then on every network event goes to them.
  void use_external_stores(std::unique_ptr<ExternalStores> stores);
  ExternalStores* external_stores() const { return external_.get(); }
  // Where any stores report what the world records (history, records): the C++ stores call
  // these as their observers, external stores through their bridge.
  store::P2PStoreObserver& p2p_observer() { return *this; }
  store::Musig2Observer& musig2_observer() { return *this; }
  void on_attempt(const store::PeerId& peer, int attempt, Duration started, const store::ConnectResult& result);
  /// The wallet's store randomness (the jittered retry's draws).
  store::Rng& store_rng() { return store_rng_; }
  WalletRecords& records() { return records_; }
  const WalletRecords& records() const { return records_; }
  NatBox& nat() { return nat_; }
  Stream& rng() { return rng_; }
  std::uint32_t public_ip() const { return public_ip_; }
  std::uint32_t private_ip() const { return private_ip_; }
  /// The plain transport address the node listens on (private behind a NAT).
  store::Multiaddr listen_address() const;

  // Delivery of network events to the current stores.
  void deliver_presence(const store::PresencePtr& presence);
  void deliver_peer_connected(const store::PeerId& peer, store::ConnectionType type);
  void deliver_peer_disconnected(const store::PeerId& peer);
  void deliver_pubsub(std::string_view topic, const std::shared_ptr<const nlohmann::json>& message);
  void deliver_message(const store::PeerId& from, std::string_view protocol,
                       std::string_view payload);

  // Lifecycle, driven by the world.
  void set_online(bool online);
  /// How many times the process restarted (reloads so far).
  std::uint64_t process_count() const { return retired_.size(); }
  /// A reload: the current stores retire (kept alive, detached, until the run ends) and fresh
  /// ones take their place.
  void restart_process();

  // Relay links and reservations, per relay index.
  struct RelayLink {
    bool connected = false;
    bool reserved = false;
    bool redialing = false;
    bool broken = false;  // the connection died silently (NAT rebind); nobody has noticed yet
    std::uint64_t relay_epoch = 0;
  };
  std::map<std::size_t, RelayLink>& relay_links() { return relay_links_; }
  const std::map<std::size_t, RelayLink>& relay_links() const { return relay_links_; }

  std::vector<std::uint64_t>& connection_ids() { return connection_ids_; }
  const std::vector<std::uint64_t>& connection_ids() const { return connection_ids_; }
  std::map<HostId, std::deque<store::Duration>>& inbound_log() { return inbound_log_; }
  std::uint64_t advertised_count = 0;

 private:
  void make_stores();
  // P2PStoreObserver
  void on_status_written(const store::PeerId& peer, const store::PeerConnectionStatus& status) override;
  void on_activity_event(const store::ActivityEvent& event) override;
  void on_connect_started(const store::PeerId& peer) override;
  void on_connect_finished(const store::PeerId& peer, const store::ConnectResult& result) override;
  // Musig2Observer
  void on_session_state(const store::SigningSession& session) override;

  World& world_;
  std::size_t index_;
  const WalletConfig& config_;
  SimClock& clock_;
  Stream rng_;
  Stream store_rng_;
  NatBox nat_;
  std::uint32_t public_ip_;
  std::uint32_t private_ip_;
  bool online_ = false;
  std::uint64_t generation_ = 0;
  std::unique_ptr<WalletStores> stores_;
  std::vector<std::unique_ptr<WalletStores>> retired_;
  std::unique_ptr<ExternalStores> external_;
  WalletRecords records_;
  std::map<store::PeerId, std::vector<std::pair<Duration, int>>> open_connects_;  // start, attempts
  std::map<std::size_t, RelayLink> relay_links_;
  std::vector<std::uint64_t> connection_ids_;
  std::map<HostId, std::deque<store::Duration>> inbound_log_;
};

}  // namespace connsim::sim
