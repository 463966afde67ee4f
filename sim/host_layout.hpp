// HostLayout: who is who among the hosts of one run, asked by the world and by both Paths
// backends instead of each working out offsets.
//
// Host ids, in this order (fixed for the run):
//   0 .. W-1          the wallets (host w is wallet w)
//   W .. W+R-1        the relays
//   W+R               the bootstrap node
//   W+R+1             the STUN server: outside the world (no partition, no access latency;
//                     only the packet backend has a node for it, the message model its address)
// Public IPv4 addresses (fixed for the run; a NAT rebind keeps the wallet's address):
//   wallet w   11.0.0.0 + w          relay r   12.0.(r+1)/256.(r+1)%256
//   bootstrap  13.0.0.1              STUN      74.125.250.129 (@libp2p/webrtc's default server)
// Behind a NAT, a wallet's node knows itself as 10.0.0.2 (every home LAN alike); the packet
// backend gives each NATed wallet a LAN of its own, 10.(w/256).(w%256).0/24, the host at .2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/host_ids.hpp"
#include "sim/latency.hpp"

namespace connsim::sim {

struct WorldConfig;

/// Well-known ports.
inline constexpr std::uint16_t kLibp2pPort = 4001;   // every host's libp2p (TCP) listener
inline constexpr std::uint16_t kStunPort = 19302;    // the STUN server's
inline constexpr std::uint16_t kWebrtcPort = 50000;  // a wallet's WebRTC socket in the message model

enum class HostRole { wallet, relay, bootstrap, stun };

/// What the layout needs to know of one wallet or relay.
struct HostSpec {
  std::string name;  // the wallet's or relay's id
  LatencyModel access_latency = LatencyModel::fixed(Duration::zero());
  bool behind_nat = false;  // wallets only
};

class HostLayout {
 public:
  /// Most wallets and relays whose addresses fit the plan above.
  static constexpr std::size_t kMaxWallets = (std::size_t{1} << 24) - 1;
  static constexpr std::size_t kMaxRelays = 65'535;

  /// Throws std::invalid_argument for more wallets or relays than fit, or a relay behind a NAT.
  HostLayout(std::vector<HostSpec> wallets, std::vector<HostSpec> relays);
  /// Throws std::invalid_argument unless that many wallets and relays fit.
  static void check_fits(std::size_t wallets, std::size_t relays);
  /// The layout of `config`'s wallets and relays.
  static HostLayout of(const WorldConfig& config);

  std::size_t wallet_count() const { return wallets_; }
  std::size_t relay_count() const { return relays_; }
  /// Wallets, relays and the bootstrap: ids below this are in the world.
  std::size_t world_host_count() const { return wallets_ + relays_ + 1; }
  /// The world's hosts and the STUN server.
  std::size_t host_count() const { return world_host_count() + 1; }
  bool in_world(HostId host) const { return host.value < world_host_count(); }

  // Hosts by kind. Unchecked (the world's hot paths): the index must be below the count.
  HostId host(WalletIndex wallet) const { return HostId{static_cast<std::uint32_t>(wallet.value)}; }
  HostId host(RelayIndex relay) const { return HostId{static_cast<std::uint32_t>(wallets_ + relay.value)}; }
  HostId bootstrap() const { return HostId{static_cast<std::uint32_t>(wallets_ + relays_)}; }
  HostId stun() const { return HostId{static_cast<std::uint32_t>(wallets_ + relays_ + 1)}; }

  // What a host is. Each throws std::out_of_range for an id of no host.
  HostRole role(HostId host) const;
  /// The wallet or relay the host is; nullopt for a host of another kind.
  std::optional<WalletIndex> wallet(HostId host) const;
  std::optional<RelayIndex> relay(HostId host) const;
  /// The wallet's or relay's id, "bootstrap" or "stun" (the history's names).
  const std::string& name(HostId host) const;
  /// The packet backend's node name: "wallet-<id>", "relay-<id>", "bootstrap", "stun".
  std::string node_name(HostId host) const;
  std::uint32_t public_ip(HostId host) const;
  /// The host whose public address `ip` is; nullopt for any other address (a NATed wallet's
  /// public address is its NAT's: the host behind it).
  std::optional<HostId> host_at(std::uint32_t ip) const;
  /// Whether the host is a wallet behind a NAT.
  bool behind_nat(HostId host) const;
  /// The extra one-way delay on every hop from or to the host: its access_latency; none for
  /// the bootstrap and the STUN server.
  const LatencyModel& access_latency(HostId host) const { return access_latency_.at(host.value); }

  // A wallet's own addresses (unchecked, as host()).
  /// The address its node listens on and advertises: its public one, or 10.0.0.2 behind a NAT.
  std::uint32_t private_ip(WalletIndex wallet) const;
  /// Its host address on its own LAN in the packet backend (the public one if it has no NAT).
  std::uint32_t lan_ip(WalletIndex wallet) const;

 private:
  std::size_t wallets_ = 0;
  std::size_t relays_ = 0;
  std::vector<std::string> names_;              // by host id
  std::vector<LatencyModel> access_latency_;    // by host id
  std::vector<bool> behind_nat_;                // by wallet index
};

}  // namespace connsim::sim
