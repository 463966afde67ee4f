#include "sim/address.hpp"

#include <charconv>

#include "sim/host_layout.hpp"
#include <vector>

namespace connsim::sim {

namespace {

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  if (text.empty() || text.front() != '/') return parts;
  text.remove_prefix(1);
  while (true) {
    const auto slash = text.find('/');
    parts.push_back(text.substr(0, slash));
    if (slash == std::string_view::npos) break;
    text.remove_prefix(slash + 1);
  }
  return parts;
}

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t ip = 0;
  for (int octet = 0; octet < 4; ++octet) {
    const auto dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    unsigned value = 0;
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc() || end != part.data() + part.size() || part.empty() || value > 255) {
      return std::nullopt;
    }
    ip = (ip << 8) | value;
    if (octet < 3) {
      if (dot == std::string_view::npos) return std::nullopt;
      text.remove_prefix(dot + 1);
    } else if (dot != std::string_view::npos) {
      return std::nullopt;
    }
  }
  return ip;
}

}  // namespace

std::optional<ParsedAddress> parse_address(std::string_view address) {
  const auto parts = split(address);
  ParsedAddress parsed;
  if (parts.size() == 6 && parts[0] == "ip4" && parts[2] == "tcp" && parts[4] == "p2p" && !parts[5].empty()) {
    auto ip = parse_ipv4(parts[1]);
    if (!ip) return std::nullopt;
    parsed.kind = AddressKind::direct;
    parsed.ip = *ip;
    parsed.peer = std::string(parts[5]);
    return parsed;
  }
  if (parts.size() >= 5 && parts[0] == "p2p" && !parts[1].empty() && parts[2] == "p2p-circuit") {
    if (parts.size() == 5 && parts[3] == "p2p" && !parts[4].empty()) {
      parsed.kind = AddressKind::circuit;
    } else if (parts.size() == 6 && parts[3] == "webrtc" && parts[4] == "p2p" && !parts[5].empty()) {
      parsed.kind = AddressKind::webrtc;
    } else {
      return std::nullopt;
    }
    parsed.relay = std::string(parts[1]);
    parsed.peer = std::string(parts.back());
    return parsed;
  }
  return std::nullopt;
}

std::string format_ipv4(std::uint32_t ip) {
  std::string text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    text += std::to_string((ip >> shift) & 0xffU);
    if (shift > 0) text += '.';
  }
  return text;
}

std::string format_address(const ParsedAddress& address) {
  switch (address.kind) {
    case AddressKind::direct:
      return "/ip4/" + format_ipv4(address.ip) + "/tcp/" + std::to_string(kLibp2pPort) + "/p2p/" + address.peer;
    case AddressKind::circuit:
      return "/p2p/" + address.relay + "/p2p-circuit/p2p/" + address.peer;
    case AddressKind::webrtc:
      break;
  }
  return "/p2p/" + address.relay + "/p2p-circuit/webrtc/p2p/" + address.peer;
}

}  // namespace connsim::sim
