// The top-level sections of a scenario file, each decoded into the Scenario in the order the
// loader's table gives: network, wallets, shared_wallets, timeline, expect (what later sections
// refer to comes first).
#pragma once

#include "scenarios/decode/decode_context.hpp"

namespace connsim::scenarios::decode {

/// `network`: latency, loss, relays, bootstrap, ICE and the timeouts
/// (scenarios/decode/network.cpp).
void decode_network(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    Scenario& sc);

/// `wallets`, `count` expanded (scenarios/decode/wallets.cpp).
void decode_wallets(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    Scenario& sc);

/// `shared_wallets` (scenarios/decode/wallets.cpp).
void decode_shared_wallets(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                           Scenario& sc);

/// `timeline` (scenarios/decode/timeline.cpp).
void decode_timeline(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                     Scenario& sc);

/// `expect` (scenarios/decode/expectations.cpp).
void decode_expectations(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                         Scenario& sc);

/// The JSON Schema of each section, generated from its key tables.
json network_schema();
json wallets_schema();
json shared_wallets_schema();
json timeline_schema();
json expectations_schema();
}  // namespace connsim::scenarios::decode
