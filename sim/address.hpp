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
};

/// nullopt for anything not of the three shapes above.
std::optional<ParsedAddress> parse_address(std::string_view address);

}  // namespace connsim::sim
