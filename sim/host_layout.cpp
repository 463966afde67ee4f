#include "sim/host_layout.hpp"

#include <stdexcept>

#include "sim/config.hpp"
#include "sim/nat.hpp"

namespace connsim::sim {

namespace {

constexpr std::uint32_t kFirstWalletIp = ipv4(11, 0, 0, 0);
constexpr std::uint32_t kBootstrapIp = ipv4(13, 0, 0, 1);
constexpr std::uint32_t kStunIp = ipv4(74, 125, 250, 129);
constexpr std::uint32_t kHomeLanIp = ipv4(10, 0, 0, 2);

const std::string kBootstrapName = "bootstrap";
const std::string kStunName = "stun";

}  // namespace

void HostLayout::check_fits(std::size_t wallets, std::size_t relays) {
  auto check = [](std::size_t count, std::size_t most, const char* what) {
    if (count > most) {
      throw std::invalid_argument("host layout: at most " + std::to_string(most) + " " + what + ", got " +
                                  std::to_string(count));
    }
  };
  check(wallets, kMaxWallets, "wallets");
  check(relays, kMaxRelays, "relays");
}

HostLayout::HostLayout(std::vector<HostSpec> wallets, std::vector<HostSpec> relays)
    : wallets_(wallets.size()), relays_(relays.size()) {
  check_fits(wallets_, relays_);
  names_.reserve(host_count());
  access_latency_.reserve(host_count());
  behind_nat_.reserve(wallets_);
  for (HostSpec& wallet : wallets) {
    names_.push_back(std::move(wallet.name));
    access_latency_.push_back(wallet.access_latency);
    behind_nat_.push_back(wallet.behind_nat);
  }
  for (HostSpec& relay : relays) {
    if (relay.behind_nat) throw std::invalid_argument("host layout: relay " + relay.name + " behind a NAT");
    names_.push_back(std::move(relay.name));
    access_latency_.push_back(relay.access_latency);
  }
  for (const std::string* name : {&kBootstrapName, &kStunName}) {
    names_.push_back(*name);
    access_latency_.push_back(LatencyModel::fixed(Duration::zero()));
  }
}

HostLayout HostLayout::of(const WorldConfig& config) {
  std::vector<HostSpec> wallets;
  wallets.reserve(config.wallets.size());
  for (const WalletConfig& wallet : config.wallets) {
    wallets.push_back({wallet.id, wallet.access_latency, !wallet.nat.public_host});
  }
  std::vector<HostSpec> relays;
  relays.reserve(config.relays.size());
  for (const RelayConfig& relay : config.relays) relays.push_back({relay.id, relay.access_latency, false});
  return HostLayout(std::move(wallets), std::move(relays));
}

HostRole HostLayout::role(HostId host) const {
  if (host.value < wallets_) return HostRole::wallet;
  if (host.value < wallets_ + relays_) return HostRole::relay;
  if (host == bootstrap()) return HostRole::bootstrap;
  if (host == stun()) return HostRole::stun;
  throw std::out_of_range("host layout: no host " + std::to_string(host.value) + " among " +
                          std::to_string(host_count()));
}

std::optional<WalletIndex> HostLayout::wallet(HostId host) const {
  if (role(host) != HostRole::wallet) return std::nullopt;
  return WalletIndex{host.value};
}

std::optional<RelayIndex> HostLayout::relay(HostId host) const {
  if (role(host) != HostRole::relay) return std::nullopt;
  return RelayIndex{host.value - wallets_};
}

const std::string& HostLayout::name(HostId host) const {
  role(host);  // throws for no host
  return names_[host.value];
}

std::string HostLayout::node_name(HostId host) const {
  switch (role(host)) {
    case HostRole::wallet:
      return "wallet-" + names_[host.value];
    case HostRole::relay:
      return "relay-" + names_[host.value];
    case HostRole::bootstrap:
    case HostRole::stun:
      break;
  }
  return names_[host.value];
}

std::uint32_t HostLayout::public_ip(HostId host) const {
  switch (role(host)) {
    case HostRole::wallet:
      return kFirstWalletIp + host.value;
    case HostRole::relay: {
      const auto n = static_cast<std::uint32_t>(host.value - wallets_ + 1);
      return ipv4(12, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xff));
    }
    case HostRole::bootstrap:
      return kBootstrapIp;
    case HostRole::stun:
      break;
  }
  return kStunIp;
}

std::optional<HostId> HostLayout::host_at(std::uint32_t ip) const {
  if (ip >= kFirstWalletIp && ip - kFirstWalletIp < wallets_) return HostId{ip - kFirstWalletIp};
  const std::uint32_t first_relay_ip = ipv4(12, 0, 0, 1);
  if (ip >= first_relay_ip && ip - first_relay_ip < relays_) {
    return HostId{static_cast<std::uint32_t>(wallets_ + (ip - first_relay_ip))};
  }
  if (ip == kBootstrapIp) return bootstrap();
  if (ip == kStunIp) return stun();
  return std::nullopt;
}

bool HostLayout::behind_nat(HostId host) const { return host.value < wallets_ && behind_nat_[host.value]; }

std::uint32_t HostLayout::private_ip(WalletIndex wallet) const {
  return behind_nat_[wallet.value] ? kHomeLanIp : kFirstWalletIp + static_cast<std::uint32_t>(wallet.value);
}

std::uint32_t HostLayout::lan_ip(WalletIndex wallet) const {
  if (!behind_nat_[wallet.value]) return kFirstWalletIp + static_cast<std::uint32_t>(wallet.value);
  return ipv4(10, static_cast<std::uint8_t>((wallet.value >> 8) & 0xff), static_cast<std::uint8_t>(wallet.value & 0xff), 2);
}

}  // namespace connsim::sim
