// Values with several written forms: a latency (a time, a log-normal or a uniform distribution)
// and a NAT (a named type, a mapping/filtering pair, or a weighted mix).
#pragma once

#include <optional>

#include "scenarios/decode/decode_context.hpp"

namespace connsim::scenarios::decode {

std::optional<LatencyModel> get_latency(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer);

std::optional<NatSpec> get_nat(DecodeContext& ctx, const json& value, const JsonPointer& pointer);

/// The JSON Schema of a latency and of a NAT (for $defs; generated from their key tables).
json latency_schema();
json nat_schema();

}  // namespace connsim::scenarios::decode
