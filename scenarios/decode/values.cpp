#include "scenarios/decode/values.hpp"

#include <string>
#include <string_view>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/key_kinds.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/text.hpp"

namespace connsim::scenarios::decode {

namespace {

/// The two delays of a latency distribution: {median, p99} or {min, max}.
struct DelayPair {
  Duration low = Duration::zero();
  Duration high = Duration::zero();
};

constexpr Field<DelayPair> kLogNormalFields[] = {
    required_key<AsPositiveTime, &DelayPair::low>("median", "the median delay"),
    required_key<AsTime, &DelayPair::high>("p99", "the 99th percentile, not below median"),
};

constexpr Field<DelayPair> kUniformFields[] = {
    required_key<AsTime, &DelayPair::low>("min", "the least delay"),
    required_key<AsTime, &DelayPair::high>("max", "the greatest delay, not below min"),
};

/// The pair `table` decodes; the second key's delay must not be less than the first's.
std::optional<DelayPair> get_delay_pair(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer,
                                        const Field<DelayPair> (&table)[2]) {
  DelayPair pair;
  if (!decode_object(ctx, value, pointer, table, pair)) return std::nullopt;
  if (pair.high < pair.low) {
    ctx.error(pointer_child(pointer, table[1].key),
              std::string(table[1].key) + " must not be less than " + std::string(table[0].key) +
                  " (" + format_time(pair.low) + ")");
    return std::nullopt;
  }
  return pair;
}

constexpr std::string_view kLatencyExpected =
    "expected a latency: a time, {\"median\", \"p99\"} or {\"min\", \"max\"}, got ";
}  // namespace

std::optional<LatencyModel> get_latency(DecodeContext& ctx, const json& value,
                                        const JsonPointer& pointer) {
  if (value.is_string() || value.is_number()) {
    const auto delay = get_time(ctx, value, pointer);
    if (!delay) return std::nullopt;
    return LatencyModel::fixed(*delay);
  }
  if (value.is_object() && (value.contains("median") || value.contains("p99"))) {
    const auto pair = get_delay_pair(ctx, value, pointer, kLogNormalFields);
    if (!pair) return std::nullopt;
    return LatencyModel::lognormal(pair->low, pair->high);
  }
  if (value.is_object() && (value.contains("min") || value.contains("max"))) {
    const auto pair = get_delay_pair(ctx, value, pointer, kUniformFields);
    if (!pair) return std::nullopt;
    return LatencyModel::uniform(pair->low, pair->high);
  }
  ctx.error(pointer, std::string(kLatencyExpected) +
                         (value.is_object() ? "an object without those keys" : describe(value)));
  return std::nullopt;
}

namespace {

struct NatObjectDraft {
  NatConfig nat;
};

constexpr Field<NatObjectDraft> kNatObjectFields[] = {
    required_key<AsEnum<sim::kNatBehaviourSpellings>, &NatObjectDraft::nat, &NatConfig::mapping>(
        "mapping", "RFC 4787 mapping behaviour"),
    required_key<AsEnum<sim::kNatBehaviourSpellings>, &NatObjectDraft::nat, &NatConfig::filtering>(
        "filtering", "RFC 4787 filtering behaviour"),
    optional_key<AsPositiveTime, &NatObjectDraft::nat, &NatConfig::mapping_timeout>(
        "mapping_timeout", "how long an idle mapping lives"),
};

json mix_schema() {
  return {{"type", "object"},
          {"minProperties", 1},
          {"propertyNames", {{"enum", spellings_of<sim::kClassicNats>()}}},
          {"additionalProperties", {{"type", "number"}, {"minimum", 0}}}};
}

constexpr Field<NatMix> kNatMixFields[] = {
    {"mix", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NatMix& mix) {
       if (!v.is_object()) {
         c.error(p, "expected an object of NAT names and weights, got " + describe(v));
         return;
       }
       if (v.empty()) {
         c.error(p, "a mix needs at least one NAT");
         return;
       }
       const std::size_t before = c.error_count();
       for (auto it = v.begin(); it != v.end(); ++it) {
         const JsonPointer entry = pointer_child(p, it.key());
         const auto named = parse_in<sim::NatConfig>(sim::kClassicNats, it.key());
         if (!named) {
           c.key_error(entry, "unknown NAT " + quote(it.key()) + "; expected " +
                                  names_of(sim::kClassicNats));
           continue;
         }
         const auto weight = get_number(c, it.value(), entry, 0, std::nullopt);
         if (weight && *weight > 0) mix.entries.push_back({*named, *weight});
       }
       if (c.error_count() == before && mix.entries.empty()) {
         c.error(p, "a mix needs a weight greater than 0");
       }
     },
     ValueCheck{.kind = ValueKind::any, .schema = &mix_schema},
     "NAT names and their weights (>= 0, one > 0); each wallet draws its NAT from them"},
};

constexpr std::string_view kNatExpected =
    "expected a NAT: \"none\", \"full-cone\", \"restricted-cone\", \"port-restricted-cone\", "
    "\"symmetric\", {\"mapping\", \"filtering\", \"mapping_timeout\"?} or {\"mix\": {...}}, got ";

}  // namespace

std::optional<NatSpec> get_nat(DecodeContext& ctx, const json& value, const JsonPointer& pointer) {
  if (value.is_string()) {
    if (auto named =
            parse_in<sim::NatConfig>(sim::kClassicNats, value.get_ref<const std::string&>()))
      return *named;
  } else if (value.is_object() && value.contains("mix")) {
    NatMix mix;
    if (!decode_object(ctx, value, pointer, kNatMixFields, mix)) return std::nullopt;
    return mix;
  } else if (value.is_object()) {
    NatObjectDraft draft;
    if (!decode_object(ctx, value, pointer, kNatObjectFields, draft)) return std::nullopt;
    return draft.nat;
  }
  ctx.error(pointer, std::string(kNatExpected) + describe(value));
  return std::nullopt;
}
json latency_schema() {
  json fixed = {{"$ref", "#/$defs/time"}};
  return {{"oneOf", {fixed, object_schema(kLogNormalFields), object_schema(kUniformFields)}}};
}

json nat_schema() {
  return {{"oneOf",
           {{{"enum", spellings_of<sim::kClassicNats>()}},
            object_schema(kNatObjectFields),
            object_schema(kNatMixFields)}}};
}
}  // namespace connsim::scenarios::decode
