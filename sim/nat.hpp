// NAT model in RFC 4787 terms: a NatBox translates one private network's UDP flows to one
// public IP. Mapping behaviour decides when outbound traffic reuses an external port;
// filtering behaviour decides which remote endpoints may send in through it.
//
// Contracts worth knowing before using a NatBox:
// - Refresh (RFC 4787 REQ-6): only outbound traffic refreshes a mapping ("NAT outbound
//   refresh behaviour" true, inbound refresh false). `inbound` never changes state.
// - A mapping is alive while it has been idle (no outbound packet) for at most
//   `mapping_timeout`; idle longer, it is gone: inbound is dropped and the next outbound
//   packet gets a new mapping on a newly allocated external port.
// - Filtering permissions are per mapping and per remote (masked by the filtering
//   behaviour) and age like the mapping: a permission admits while the mapping last sent to
//   that remote at most `mapping_timeout` ago. So under ADF/APDF a remote that the host
//   stopped talking to is shut out after `mapping_timeout` even if the mapping is kept alive
//   by traffic to someone else.
// - External ports are drawn from [1024, 65535] by a generator seeded at construction: no
//   port preservation, no port prediction, no hairpinning. Deterministic for a given seed
//   and call sequence.
// - `now` must not go backwards between calls on one box.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/clock.hpp"
#include "store/spelling.hpp"

namespace connsim::sim {

using store::Duration;

/// RFC 4787 behaviour, used for both mapping (EIM/ADM/APDM) and filtering (EIF/ADF/APDF).
enum class NatBehaviour : std::uint8_t {
  endpoint_independent,
  address_dependent,
  address_and_port_dependent,
};

inline constexpr std::array<NatBehaviour, 3> all_nat_behaviours = {
    NatBehaviour::endpoint_independent, NatBehaviour::address_dependent,
    NatBehaviour::address_and_port_dependent};

inline constexpr auto kNatBehaviourSpellings = in_enum_order<NatBehaviour>(
    "endpoint-independent", "address-dependent", "address-and-port-dependent");
SpellingTable<kNatBehaviourSpellings> spellings(NatBehaviour);

/// RFC 4787's abbreviations, written before 'M' (mapping) or 'F' (filtering): "EIM", "APDF".
inline constexpr auto kNatBehaviourAbbreviations = in_enum_order<NatBehaviour>("EI", "AD", "APD");

/// "endpoint-independent" | "address-dependent" | "address-and-port-dependent".
std::string_view to_string(NatBehaviour behaviour);
std::optional<NatBehaviour> parse_nat_behaviour(std::string_view text);

struct NatConfig {
  /// No NAT at all ("none"): the host owns a public address; mapping and filtering are ignored.
  bool public_host = false;
  NatBehaviour mapping = NatBehaviour::endpoint_independent;
  NatBehaviour filtering = NatBehaviour::address_and_port_dependent;
  /// Idle time after which a UDP mapping expires. Field notes §2: RFC 4787 requires at least
  /// 2 min (recommends 5 min); many home routers use 30–120 s. 120 s is the default here.
  Duration mapping_timeout = std::chrono::seconds(120);

  static constexpr NatConfig none() { return NatConfig{.public_host = true}; }
  static constexpr NatConfig of(NatBehaviour mapping, NatBehaviour filtering) {
    return NatConfig{.mapping = mapping, .filtering = filtering};
  }
  /// EIM + EIF.
  static constexpr NatConfig full_cone() {
    return of(NatBehaviour::endpoint_independent, NatBehaviour::endpoint_independent);
  }
  /// EIM + ADF.
  static constexpr NatConfig restricted_cone() {
    return of(NatBehaviour::endpoint_independent, NatBehaviour::address_dependent);
  }
  /// EIM + APDF.
  static constexpr NatConfig port_restricted_cone() {
    return of(NatBehaviour::endpoint_independent, NatBehaviour::address_and_port_dependent);
  }
  /// APDM + APDF.
  static constexpr NatConfig symmetric() {
    return of(NatBehaviour::address_and_port_dependent, NatBehaviour::address_and_port_dependent);
  }

  bool operator==(const NatConfig&) const = default;
};

/// The five classic NATs by name, in the order a scenario's error messages list them.
inline constexpr Spelling<NatConfig> kClassicNats[] = {
    {NatConfig::none(), "none"},
    {NatConfig::full_cone(), "full-cone"},
    {NatConfig::restricted_cone(), "restricted-cone"},
    {NatConfig::port_restricted_cone(), "port-restricted-cone"},
    {NatConfig::symmetric(), "symmetric"}};

/// Parses a classic name (see kClassicNats) or an RFC 4787 abbreviation pair
/// "<M>+<F>" with M in EIM/ADM/APDM and F in EIF/ADF/APDF (e.g. "ADM+EIF"). The
/// mapping_timeout is the default. nullopt for anything else.
std::optional<NatConfig> parse_nat_config(std::string_view text);

/// The classic name when the combination has one ("none" for a public host), otherwise the
/// abbreviation pair ("ADM+EIF"). parse_nat_config(describe(c)) gives c back, up to
/// mapping_timeout. The timeout is not part of the name.
std::string describe(const NatConfig& config);

/// An IPv4 UDP endpoint. Ordered by (ip, port).
struct Endpoint {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;

  auto operator<=>(const Endpoint&) const = default;
};

/// a.b.c.d as a host-order 32-bit address.
constexpr std::uint32_t ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) |
         std::uint32_t{d};
}

/// "a.b.c.d:port".
std::string to_string(Endpoint endpoint);
std::ostream& operator<<(std::ostream& out, Endpoint endpoint);

/// One NAT (or, for a public host, the absence of one) in front of one private network.
class NatBox {
 public:
  /// `port_seed` seeds the external port allocator; equal seeds and equal call sequences give
  /// equal ports.
  NatBox(NatConfig config, std::uint32_t public_ip, std::uint64_t port_seed);

  const NatConfig& config() const { return config_; }
  std::uint32_t public_ip() const { return public_ip_; }

  /// A packet from `internal` to `remote` leaves at `now`: finds the live mapping for this flow
  /// under the mapping behaviour (EIM: one per internal endpoint; ADM: per remote IP; APDM: per
  /// remote IP:port) or creates one, refreshes it and the permission for `remote`, and returns
  /// the packet's external source endpoint. A public host returns `internal` unchanged.
  Endpoint outbound(Endpoint internal, Endpoint remote, Duration now);

  /// A packet from `remote` arrives at `external` at `now`: the internal endpoint it is
  /// forwarded to, or nullopt when it is dropped (wrong IP, no live mapping on that port, or
  /// filtered: EIF admits anyone, ADF a remote IP this mapping sent to, APDF a remote IP:port
  /// this mapping sent to). Does not refresh anything. A public host admits everything and
  /// returns `external`.
  std::optional<Endpoint> inbound(Endpoint remote, Endpoint external, Duration now) const;

  /// Whether outbound(internal, remote, now) would reuse a live mapping (true for a public
  /// host).
  bool mapping_alive(Endpoint internal, Endpoint remote, Duration now) const;
  /// The external endpoint outbound(internal, remote, now) would reuse, without sending:
  /// nullopt when it would create a new mapping. `internal` for a public host.
  std::optional<Endpoint> peek_mapping(Endpoint internal, Endpoint remote, Duration now) const;
  /// Mappings alive at `now` (0 for a public host, which keeps none).
  std::size_t live_mapping_count(Duration now) const;

  /// nat_rebind: the NAT forgets every mapping (reboot, or a new lease). New mappings get
  /// newly drawn ports.
  void rebind();
  /// As rebind(), and the NAT's public address changes to `new_public_ip`.
  void rebind(std::uint32_t new_public_ip);

 private:
  struct Permission {
    Endpoint remote;  // masked by the filtering behaviour
    Duration last_sent;
  };
  struct Mapping {
    std::uint16_t external_port;
    Endpoint internal;
    Endpoint flow_key;  // the remote masked by the mapping behaviour
    Duration last_outbound;
    std::vector<Permission> permissions;  // sorted by remote; unused under EIF
  };
  struct FlowIndex {
    Endpoint internal;
    Endpoint flow_key;
    std::uint16_t external_port;
  };

  bool alive(Duration last, Duration now) const { return now - last <= config_.mapping_timeout; }
  /// The last instant at which something last refreshed at `last` is alive (saturating).
  Duration expiry(Duration last) const {
    return last > Duration::max() - config_.mapping_timeout ? Duration::max()
                                                            : last + config_.mapping_timeout;
  }
  const Mapping* find_flow(Endpoint internal, Endpoint flow_key) const;
  const Mapping* find_port(std::uint16_t port) const;
  Mapping& create(Endpoint internal, Endpoint flow_key, Duration now);
  void erase_expired(Duration now);
  std::uint16_t allocate_port();

  NatConfig config_;
  std::uint32_t public_ip_;
  std::uint64_t port_state_;
  std::vector<Mapping> by_port_;    // sorted by external_port
  std::vector<FlowIndex> by_flow_;  // sorted by (internal, flow_key)
  /// No mapping can have expired at or before this time (a lower bound, refreshed by sweeps):
  /// keeps creation from sweeping the table on every new flow.
  Duration sweep_after_ = Duration::max();
};

}  // namespace connsim::sim

template <>
struct std::hash<connsim::sim::Endpoint> {
  std::size_t operator()(connsim::sim::Endpoint e) const noexcept {
    return std::hash<std::uint64_t>{}((std::uint64_t{e.ip} << 16) | e.port);
  }
};
