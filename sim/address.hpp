// The multiaddrs the simulated nodes advertise and dial:
//   /ip4/<a.b.c.d>/tcp/4001/p2p/<peer>                 direct
//   /p2p/<relay>/p2p-circuit/p2p/<peer>                relayed (circuit relay v2)
//   /p2p/<relay>/p2p-circuit/webrtc/p2p/<peer>         WebRTC, signalled over that circuit
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace connsim::sim {

enum class AddressKind { direct, circuit, webrtc };

struct ParsedAddress {
  AddressKind kind = AddressKind::direct;
  std::uint32_t ip = 0;  // direct only
  std::string relay;     // circuit and webrtc only
  std::string peer;

  bool operator==(const ParsedAddress&) const = default;
};

/// nullopt for anything not of the three shapes above.
std::optional<ParsedAddress> parse_address(std::string_view address);

/// The address of that shape; a direct one on the libp2p port, 4001 (parse_address reads any
/// port: every simulated host listens on 4001). parse_address(format_address(a)) == a when
/// a.peer (and, for circuit and webrtc, a.relay) is non-empty and has no '/'.
std::string format_address(const ParsedAddress& address);

/// a.b.c.d.
std::string format_ipv4(std::uint32_t ip);

}  // namespace connsim::sim
