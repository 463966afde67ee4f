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

struct AsString {
  static constexpr ValueCheck check{.kind = ValueKind::string};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_string(c, v, p);
  }
};
struct AsId {
  static constexpr ValueCheck check{.kind = ValueKind::id};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_id(c, v, p);
  }
};
struct AsBool {
  static constexpr ValueCheck check{.kind = ValueKind::boolean};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_bool(c, v, p);
  }
};
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
struct AsUint64 {
  static constexpr ValueCheck check{.kind = ValueKind::unsigned_integer};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_uint64(c, v, p);
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
struct AsTime {
  static constexpr ValueCheck check{.kind = ValueKind::time};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_time(c, v, p);
  }
};
struct AsPositiveTime {
  static constexpr ValueCheck check{.kind = ValueKind::positive_time};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_positive_time(c, v, p);
  }
};
struct AsMoment {
  static constexpr ValueCheck check{.kind = ValueKind::moment};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_moment(c, v, p);
  }
};
struct AsLatency {
  static json schema() { return {{"$ref", "#/$defs/latency"}}; }
  static constexpr ValueCheck check{.kind = ValueKind::any, .schema = &schema};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_latency(c, v, p);
  }
};
struct AsNat {
  static json schema() { return {{"$ref", "#/$defs/nat"}}; }
  static constexpr ValueCheck check{.kind = ValueKind::any, .schema = &schema};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_nat(c, v, p);
  }
};
/// The spellings of a table of names, for ValueCheck::names.
template <const auto& Names>
std::vector<std::string_view> spellings_of() {
  std::vector<std::string_view> out;
  for (const auto& entry : Names) out.push_back(entry.name);
  return out;
}
template <const auto& Names>
struct AsEnum {
  static constexpr ValueCheck check{.kind = ValueKind::enumeration, .names = &spellings_of<Names>};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_enum(c, v, p, Names);
  }
};
struct AsWalletRef {
  static constexpr ValueCheck check{.kind = ValueKind::reference};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return wallet_ref(c, v, p);
  }
};
struct AsRelayRef {
  static constexpr ValueCheck check{.kind = ValueKind::reference};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return relay_ref(c, v, p);
  }
};
struct AsSharedWalletRef {
  static constexpr ValueCheck check{.kind = ValueKind::reference};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return shared_wallet_ref(c, v, p);
  }
};

}  // namespace connsim::scenarios::decode
