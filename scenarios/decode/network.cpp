#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/key_kinds.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/decode/times.hpp"
#include "scenarios/decode/values.hpp"

namespace connsim::scenarios::decode {
namespace {

// `implementation` comes before the keys that override its numbers (tables decode in order).
constexpr Field<Relay> kRelayFields[] = {
    required_key<AsId, &Relay::id>("id", "the relay's id, unique among wallets, groups and relays"),
    {"implementation", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Relay& r) {
       if (auto implementation = get_enum(c, v, p, sim::kRelayImplementationSpellings)) {
         sim::set_implementation(r, *implementation);
       }
     },
     AsEnum<sim::kRelayImplementationSpellings>::check,
     "go-libp2p or js-libp2p: picks the numbers below"},
    optional_key<AsLatency, &Relay::access_latency>(
        "latency", "added to the network's latency on every hop to or from the relay"),
    optional_key<AsInt<0, limits::kMaxRelayReservations>, &Relay::max_reservations>(
        "max_reservations", "reservation slots (go 128, js 15)"),
    optional_key<AsPositiveTime, &Relay::reservation_ttl>("reservation_ttl",
                                                          "reservation lifetime (go 1h, js 2h)"),
    optional_key<AsTime, &Relay::circuit_duration>("circuit_duration",
                                                   "limit of one relayed connection; 0 = no limit"),
    optional_key<AsUint64, &Relay::circuit_bytes>(
        "circuit_bytes", "data limit of one relayed connection; 0 = no limit"),
};

void decode_relays(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                   NetworkSpec& network) {
  decode_objects_with_ids(
      ctx, value, pointer, limits::kMaxRelays, "relays", kRelayFields, ctx.relays_complete,
      [&](Relay&& relay, const JsonPointer& element) {
        if (!claim_id(ctx, relay.id, pointer_child(element, "id"), "the relay at " + element))
          return;
        ctx.sc.relay_index.emplace(relay.id, network.relays.size());
        ctx.relay_ids.push_back(relay.id);
        network.relays.push_back(std::move(relay));
      });
}

constexpr Field<sim::BootstrapConfig> kBootstrapFields[] = {
    optional_key<AsPositiveTime, &sim::BootstrapConfig::peer_exchange_interval>(
        "peer_exchange_interval", "the bootstrap node's peer-exchange broadcast period"),
    optional_key<AsTime, &sim::BootstrapConfig::first_peer_exchange>("first_peer_exchange",
                                                                     "time of the first broadcast"),
};

constexpr Field<sim::IceConfig> kIceFields[] = {
    optional_key<AsPositiveTime, &sim::IceConfig::check_interval>("check_interval",
                                                                  "ICE connectivity-check period"),
    optional_key<AsPositiveTime, &sim::IceConfig::failed_timeout>(
        "failed_timeout", "ICE gives up after this without a working pair"),
};

json relays_schema() {
  return {
      {"type", "array"}, {"maxItems", limits::kMaxRelays}, {"items", object_schema(kRelayFields)}};
}

constexpr Field<NetworkSpec> kNetworkFields[] = {
    optional_key<AsLatency, &NetworkSpec::link, &sim::LinkConfig::latency>(
        "latency", "one-way delay of every hop"),
    optional_key<AsNumber<0, 1'000'000>, &NetworkSpec::link, &sim::LinkConfig::loss>(
        "loss", "probability that a packet is lost"),
    {"relays", false, decode_relays, ValueCheck{.kind = ValueKind::any, .schema = &relays_schema},
     "the circuit relays; ids share one namespace with wallets and groups"},
    object_key<kBootstrapFields, &NetworkSpec::bootstrap>("bootstrap", "the bootstrap node"),
    object_key<kIceFields, &NetworkSpec::ice>("ice", "ICE hole punching"),
    optional_key<AsPositiveTime, &NetworkSpec::transport, &sim::TransportConfig::dial_timeout>(
        "dial_timeout", "js-libp2p's dial timeout"),
    optional_key<AsPositiveTime, &NetworkSpec::transport,
                 &sim::TransportConfig::address_dial_timeout>("address_dial_timeout",
                                                              "per-address dial timeout"),
    optional_key<AsTime, &NetworkSpec::transport, &sim::TransportConfig::close_detection>(
        "close_detection", "time for the far end to notice a closed connection"),
    optional_key<AsPositiveTime, &NetworkSpec::bootstrap, &sim::BootstrapConfig::presence_ttl>(
        "presence_ttl", "lifetime of a presence advertisement"),
    optional_key<AsTime, &NetworkSpec::bootstrap, &sim::BootstrapConfig::readvertise_interval>(
        "readvertise_interval", "each online wallet re-advertises at this period; 0 = never"),
    // connsim extensions: the packet backend.
    optional_key<AsEnum<kBackendSpellings>, &NetworkSpec::backend>(
        "backend", "the network model: message (fast), packet (ns-3 datagrams) or live (real libp2p nodes)"),
    optional_key<AsNumber<1'000, 100'000'000'000>, &NetworkSpec::bandwidth_mbps>(
        "bandwidth_mbps", "packet backend: every host link's rate in Mb/s (default unlimited)"),
};
}  // namespace

void decode_network(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    Scenario& sc) {
  if (!value.is_object()) ctx.relays_complete = false;
  decode_object(ctx, value, pointer, kNetworkFields, sc.network);
}

json network_schema() {
  return object_schema(kNetworkFields);
}
}  // namespace connsim::scenarios::decode
