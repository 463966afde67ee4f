#include "sim/nat.hpp"

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <tuple>

#include "store/splitmix64.hpp"

namespace connsim::sim {
namespace {

constexpr std::uint32_t first_port = 1024;
constexpr std::uint32_t port_count = 65536 - first_port;
/// Draws before the allocator falls back to a linear probe from the last draw.
constexpr int random_draws = 16;

/// The part of `remote` that a behaviour looks at: nothing, the IP, or IP and port.
Endpoint mask(NatBehaviour behaviour, Endpoint remote) {
  switch (behaviour) {
    case NatBehaviour::endpoint_independent:
      return {};
    case NatBehaviour::address_dependent:
      return {remote.ip, 0};
    case NatBehaviour::address_and_port_dependent:
      return remote;
  }
  return remote;
}

std::string_view abbreviation(NatBehaviour behaviour) {
  return spelling_in<NatBehaviour>(kNatBehaviourAbbreviations, behaviour);
}

/// "EI"/"AD"/"APD" followed by `suffix` ('M' or 'F').
std::optional<NatBehaviour> parse_abbreviation(std::string_view text, char suffix) {
  if (text.empty() || text.back() != suffix) return std::nullopt;
  text.remove_suffix(1);
  return parse_in<NatBehaviour>(kNatBehaviourAbbreviations, text);
}

}  // namespace

std::string_view to_string(NatBehaviour behaviour) {
  return spelling_of(behaviour);
}

std::optional<NatBehaviour> parse_nat_behaviour(std::string_view text) {
  return parse_spelling<NatBehaviour>(text);
}

std::optional<NatConfig> parse_nat_config(std::string_view text) {
  if (auto classic = parse_in<NatConfig>(kClassicNats, text)) return classic;
  const std::size_t plus = text.find('+');
  if (plus == std::string_view::npos) return std::nullopt;
  const auto mapping = parse_abbreviation(text.substr(0, plus), 'M');
  const auto filtering = parse_abbreviation(text.substr(plus + 1), 'F');
  if (!mapping || !filtering) return std::nullopt;
  return NatConfig::of(*mapping, *filtering);
}

std::string describe(const NatConfig& config) {
  for (const Spelling<NatConfig>& classic : kClassicNats) {
    const bool same = classic.value.public_host
                          ? config.public_host
                          : !config.public_host && classic.value.mapping == config.mapping &&
                                classic.value.filtering == config.filtering;
    if (same) return std::string(classic.text);
  }
  std::string name(abbreviation(config.mapping));
  name += "M+";
  name += abbreviation(config.filtering);
  name += 'F';
  return name;
}

std::string to_string(Endpoint endpoint) {
  std::string text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    text += std::to_string((endpoint.ip >> shift) & 0xffU);
    text += shift == 0 ? ':' : '.';
  }
  text += std::to_string(endpoint.port);
  return text;
}

std::ostream& operator<<(std::ostream& out, Endpoint endpoint) {
  return out << to_string(endpoint);
}

NatBox::NatBox(NatConfig config, std::uint32_t public_ip, std::uint64_t port_seed)
    : config_(config), public_ip_(public_ip), port_state_(port_seed) {}

const NatBox::Mapping* NatBox::find_port(std::uint16_t port) const {
  const auto it = std::lower_bound(
      by_port_.begin(), by_port_.end(), port,
      [](const Mapping& mapping, std::uint16_t p) { return mapping.external_port < p; });
  return it != by_port_.end() && it->external_port == port ? &*it : nullptr;
}

const NatBox::Mapping* NatBox::find_flow(Endpoint internal, Endpoint flow_key) const {
  const auto key = std::tie(internal, flow_key);
  const auto it = std::lower_bound(by_flow_.begin(), by_flow_.end(), key,
                                   [](const FlowIndex& index, const auto& k) {
                                     return std::tie(index.internal, index.flow_key) < k;
                                   });
  if (it == by_flow_.end() || std::tie(it->internal, it->flow_key) != key) return nullptr;
  return find_port(it->external_port);
}

std::uint16_t NatBox::allocate_port() {
  if (by_port_.size() >= port_count) throw std::runtime_error("NatBox: external ports exhausted");
  std::uint32_t candidate = 0;
  for (int draw = 0; draw < random_draws; ++draw) {
    candidate =
        first_port + static_cast<std::uint32_t>(store::splitmix64(port_state_) % port_count);
    if (find_port(static_cast<std::uint16_t>(candidate)) == nullptr) {
      return static_cast<std::uint16_t>(candidate);
    }
  }
  // Crowded table: probe upwards from the last draw; a free port exists (checked above).
  for (;;) {
    candidate = candidate == 65535 ? first_port : candidate + 1;
    if (find_port(static_cast<std::uint16_t>(candidate)) == nullptr) {
      return static_cast<std::uint16_t>(candidate);
    }
  }
}

void NatBox::erase_expired(Duration now) {
  if (now <= sweep_after_) return;  // nothing can have expired yet
  const std::size_t before = by_port_.size();
  std::erase_if(by_port_,
                [&](const Mapping& mapping) { return !alive(mapping.last_outbound, now); });
  if (by_port_.size() != before) {
    std::erase_if(by_flow_, [&](const FlowIndex& index) {
      return find_port(index.external_port) == nullptr;
    });
  }
  sweep_after_ = Duration::max();
  for (const Mapping& mapping : by_port_) {
    sweep_after_ = std::min(sweep_after_, expiry(mapping.last_outbound));
  }
}

NatBox::Mapping& NatBox::create(Endpoint internal, Endpoint flow_key, Duration now) {
  if (by_port_.size() >= port_count) erase_expired(now);
  // Allocate while expired mappings still hold their ports, so a flow whose mapping expired
  // never gets its old port straight back; then reclaim the expired ones.
  const std::uint16_t port = allocate_port();
  erase_expired(now);
  const FlowIndex index{internal, flow_key, port};
  const auto flow_at = std::lower_bound(
      by_flow_.begin(), by_flow_.end(), index, [](const FlowIndex& a, const FlowIndex& b) {
        return std::tie(a.internal, a.flow_key) < std::tie(b.internal, b.flow_key);
      });
  by_flow_.insert(flow_at, index);
  const auto port_at = std::lower_bound(
      by_port_.begin(), by_port_.end(), port,
      [](const Mapping& mapping, std::uint16_t p) { return mapping.external_port < p; });
  sweep_after_ = std::min(sweep_after_, expiry(now));
  return *by_port_.insert(port_at, Mapping{port, internal, flow_key, now, {}});
}

Endpoint NatBox::outbound(Endpoint internal, Endpoint remote, Duration now) {
  if (config_.public_host) return internal;
  const Endpoint flow_key = mask(config_.mapping, remote);
  // find_flow points into by_port_, which this non-const member owns.
  Mapping* mapping = const_cast<Mapping*>(find_flow(internal, flow_key));
  if (mapping == nullptr || !alive(mapping->last_outbound, now)) {
    mapping = &create(internal, flow_key, now);  // create() drops the expired one
  }
  mapping->last_outbound = now;
  if (config_.filtering != NatBehaviour::endpoint_independent) {
    const Endpoint key = mask(config_.filtering, remote);
    auto& permissions = mapping->permissions;
    auto it = std::lower_bound(
        permissions.begin(), permissions.end(), key,
        [](const Permission& permission, Endpoint k) { return permission.remote < k; });
    if (it != permissions.end() && it->remote == key) {
      it->last_sent = now;
    } else {
      std::erase_if(permissions, [&](const Permission& p) { return !alive(p.last_sent, now); });
      it = std::lower_bound(
          permissions.begin(), permissions.end(), key,
          [](const Permission& permission, Endpoint k) { return permission.remote < k; });
      permissions.insert(it, Permission{key, now});
    }
  }
  return {public_ip_, mapping->external_port};
}

std::optional<Endpoint> NatBox::inbound(Endpoint remote, Endpoint external, Duration now) const {
  if (config_.public_host) return external;
  if (external.ip != public_ip_) return std::nullopt;
  const Mapping* mapping = find_port(external.port);
  if (mapping == nullptr || !alive(mapping->last_outbound, now)) return std::nullopt;
  if (config_.filtering == NatBehaviour::endpoint_independent) return mapping->internal;
  const Endpoint key = mask(config_.filtering, remote);
  const auto& permissions = mapping->permissions;
  const auto it = std::lower_bound(
      permissions.begin(), permissions.end(), key,
      [](const Permission& permission, Endpoint k) { return permission.remote < k; });
  if (it == permissions.end() || it->remote != key || !alive(it->last_sent, now)) {
    return std::nullopt;
  }
  return mapping->internal;
}

std::optional<Endpoint> NatBox::peek_mapping(Endpoint internal, Endpoint remote,
                                             Duration now) const {
  if (config_.public_host) return internal;
  const Mapping* mapping = find_flow(internal, mask(config_.mapping, remote));
  if (mapping == nullptr || !alive(mapping->last_outbound, now)) return std::nullopt;
  return Endpoint{public_ip_, mapping->external_port};
}

bool NatBox::mapping_alive(Endpoint internal, Endpoint remote, Duration now) const {
  return peek_mapping(internal, remote, now).has_value();
}

std::size_t NatBox::live_mapping_count(Duration now) const {
  return static_cast<std::size_t>(
      std::count_if(by_port_.begin(), by_port_.end(),
                    [&](const Mapping& mapping) { return alive(mapping.last_outbound, now); }));
}

void NatBox::rebind() {
  by_port_.clear();
  by_flow_.clear();
  sweep_after_ = Duration::max();
}

void NatBox::rebind(std::uint32_t new_public_ip) {
  public_ip_ = new_public_ip;
  rebind();
}

}  // namespace connsim::sim
