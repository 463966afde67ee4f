#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/spellings.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/decode/times.hpp"
#include "scenarios/decode/values.hpp"

namespace connsim::scenarios::decode {
namespace {

// `implementation` comes before the keys that override its numbers (tables decode in order).
constexpr Field<Relay> kRelayFields[] = {
    {"id", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.id, get_id(c, v, p));
     }},
    {"implementation", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       if (auto implementation = get_enum(c, v, p, kImplementations)) {
         sim::set_implementation(r, *implementation);
       }
     }},
    {"latency", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.access_latency, get_latency(c, v, p));
     }},
    {"max_reservations", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.max_reservations, get_int(c, v, p, 0, limits::kMaxRelayReservations));
     }},
    {"reservation_ttl", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.reservation_ttl, get_positive_time(c, v, p));
     }},
    {"circuit_duration", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.circuit_duration, get_time(c, v, p));
     }},
    {"circuit_bytes", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       assign(r.circuit_bytes, get_uint64(c, v, p));
     }},
};

void decode_relays(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                   NetworkSpec& network) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.relays_complete = false;
    return;
  }
  if (value.size() > limits::kMaxRelays) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxRelays) + " relays, got " +
                           std::to_string(value.size()));
    ctx.relays_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    Relay relay;
    relay.source = ctx.source(element);
    decode_object(ctx, value[i], element, kRelayFields, relay);
    if (relay.id.empty()) {
      ctx.relays_complete = false;
      continue;
    }
    if (!claim_id(ctx, relay.id, pointer_child(element, "id"), "the relay at " + element)) continue;
    ctx.sc.relay_index.emplace(relay.id, network.relays.size());
    ctx.relay_ids.push_back(relay.id);
    network.relays.push_back(std::move(relay));
  }
}

constexpr Field<sim::BootstrapConfig> kBootstrapFields[] = {
    {"peer_exchange_interval", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, sim::BootstrapConfig& b) {
       assign(b.peer_exchange_interval, get_positive_time(c, v, p));
     }},
    {"first_peer_exchange", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, sim::BootstrapConfig& b) {
       assign(b.first_peer_exchange, get_time(c, v, p));
     }},
};

constexpr Field<sim::IceConfig> kIceFields[] = {
    {"check_interval", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, sim::IceConfig& i) {
       assign(i.check_interval, get_positive_time(c, v, p));
     }},
    {"failed_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, sim::IceConfig& i) {
       assign(i.failed_timeout, get_positive_time(c, v, p));
     }},
};

constexpr Field<NetworkSpec> kNetworkFields[] = {
    {"latency", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.link.latency, get_latency(c, v, p));
     }},
    {"loss", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.link.loss, get_number(c, v, p, 0, 1));
     }},
    {"relays", false, decode_relays},
    {"bootstrap", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       decode_object(c, v, p, kBootstrapFields, n.bootstrap);
     }},
    {"ice", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       decode_object(c, v, p, kIceFields, n.ice);
     }},
    {"dial_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.transport.dial_timeout, get_positive_time(c, v, p));
     }},
    {"address_dial_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.transport.address_dial_timeout, get_positive_time(c, v, p));
     }},
    {"close_detection", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.transport.close_detection, get_time(c, v, p));
     }},
    {"presence_ttl", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.bootstrap.presence_ttl, get_positive_time(c, v, p));
     }},
    {"readvertise_interval", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.bootstrap.readvertise_interval, get_time(c, v, p));
     }},
    // connsim extensions: the packet backend.
    {"backend", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.backend, get_enum(c, v, p, kBackends));
     }},
    {"bandwidth_mbps", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NetworkSpec& n) {
       assign(n.bandwidth_mbps, get_number(c, v, p, 0.001, 100000));
     }},
};
}  // namespace

void decode_network(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    Scenario& sc) {
  if (!value.is_object()) ctx.relays_complete = false;
  decode_object(ctx, value, pointer, kNetworkFields, sc.network);
}
}  // namespace connsim::scenarios::decode
