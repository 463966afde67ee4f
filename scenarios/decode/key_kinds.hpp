// The kinds of key value a table can decode without code of its own (MemberKey in fields.hpp):
// each names its decoder and the ValueCheck the JSON Schema is generated from, so that the two
// cannot disagree. Bounds are template arguments; a number's are in millionths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/values.hpp"

namespace connsim::scenarios::decode {

/// A kind decoded by `Decode` (one of the get_... decoders) and checked as `Check` says.
template <auto Decode, const ValueCheck& Check>
struct DecodedBy {
  static constexpr const ValueCheck& check = Check;
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return Decode(c, v, p);
  }
};

inline json latency_ref_schema() {
  return {{"$ref", "#/$defs/latency"}};
}
inline json nat_ref_schema() {
  return {{"$ref", "#/$defs/nat"}};
}

inline constexpr ValueCheck kStringCheck{.kind = ValueKind::string};
inline constexpr ValueCheck kIdCheck{.kind = ValueKind::id};
inline constexpr ValueCheck kBoolCheck{.kind = ValueKind::boolean};
inline constexpr ValueCheck kUint64Check{.kind = ValueKind::unsigned_integer};
inline constexpr ValueCheck kTimeCheck{.kind = ValueKind::time};
inline constexpr ValueCheck kPositiveTimeCheck{.kind = ValueKind::positive_time};
inline constexpr ValueCheck kMomentCheck{.kind = ValueKind::moment};
inline constexpr ValueCheck kLatencyCheck{.kind = ValueKind::any, .schema = &latency_ref_schema};
inline constexpr ValueCheck kNatCheck{.kind = ValueKind::any, .schema = &nat_ref_schema};
inline constexpr ValueCheck kReferenceCheck{.kind = ValueKind::reference};

using AsString = DecodedBy<&get_string, kStringCheck>;
using AsId = DecodedBy<&get_id, kIdCheck>;
using AsBool = DecodedBy<&get_bool, kBoolCheck>;
using AsUint64 = DecodedBy<&get_uint64, kUint64Check>;
using AsTime = DecodedBy<&get_time, kTimeCheck>;
using AsPositiveTime = DecodedBy<&get_positive_time, kPositiveTimeCheck>;
using AsMoment = DecodedBy<&get_moment, kMomentCheck>;
using AsLatency = DecodedBy<&get_latency, kLatencyCheck>;
using AsNat = DecodedBy<&get_nat, kNatCheck>;
using AsWalletRef = DecodedBy<&wallet_ref, kReferenceCheck>;
using AsRelayRef = DecodedBy<&relay_ref, kReferenceCheck>;
using AsSharedWalletRef = DecodedBy<&shared_wallet_ref, kReferenceCheck>;

template <std::int64_t Min, std::int64_t Max>
struct AsInt {
  static constexpr ValueCheck check{.kind = ValueKind::integer, .int_min = Min, .int_max = Max};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_int(c, v, p, static_cast<int>(Min), static_cast<int>(Max));
  }
};
/// An integer in [Min, Max] kept as std::int64_t.
template <std::int64_t Min, std::int64_t Max>
struct AsInt64 {
  static constexpr ValueCheck check{.kind = ValueKind::integer, .int_min = Min, .int_max = Max};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_integer(c, v, p, Min, Max);
  }
};
/// A number in [MinMillionths, MaxMillionths] / 10^6.
template <std::int64_t MinMillionths, std::int64_t MaxMillionths>
struct AsNumber {
  static constexpr double kMin = static_cast<double>(MinMillionths) / 1e6;
  static constexpr double kMax = static_cast<double>(MaxMillionths) / 1e6;
  static constexpr ValueCheck check{
      .kind = ValueKind::number, .number_min = kMin, .number_max = kMax, .has_max = true};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_number(c, v, p, kMin, kMax);
  }
};
/// The words of a spelling table, for ValueCheck::names.
template <const auto& Names>
std::vector<std::string_view> spellings_of() {
  std::vector<std::string_view> out;
  for (const auto& entry : Names) out.push_back(entry.text);
  return out;
}
template <const auto& Names>
struct AsEnum {
  static constexpr ValueCheck check{.kind = ValueKind::enumeration, .names = &spellings_of<Names>};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_enum(c, v, p, Names);
  }
};

}  // namespace connsim::scenarios::decode
