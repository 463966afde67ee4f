#include "scenarios/decode/values.hpp"

#include <string>
#include <string_view>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/key_kinds.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/spellings.hpp"
#include "scenarios/decode/text.hpp"

namespace connsim::scenarios::decode {

namespace {

struct LogNormalLatency {
  Duration median = Duration::zero();
  Duration p99 = Duration::zero();
};
struct UniformLatency {
  Duration min = Duration::zero();
  Duration max = Duration::zero();
};

constexpr Field<LogNormalLatency> kLogNormalFields[] = {
    required_key<AsPositiveTime, &LogNormalLatency::median>("median", "the median delay"),
    required_key<AsTime, &LogNormalLatency::p99>("p99", "the 99th percentile, not below median"),
};

constexpr Field<UniformLatency> kUniformFields[] = {
    required_key<AsTime, &UniformLatency::min>("min", "the least delay"),
    required_key<AsTime, &UniformLatency::max>("max", "the greatest delay, not below min"),
};

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
    LogNormalLatency latency;
    if (!decode_object(ctx, value, pointer, kLogNormalFields, latency)) return std::nullopt;
    if (latency.p99 < latency.median) {
      ctx.error(pointer_child(pointer, "p99"),
                "p99 must not be less than median (" + format_time(latency.median) + ")");
      return std::nullopt;
    }
    return LatencyModel::lognormal(latency.median, latency.p99);
  }
  if (value.is_object() && (value.contains("min") || value.contains("max"))) {
    UniformLatency latency;
    if (!decode_object(ctx, value, pointer, kUniformFields, latency)) return std::nullopt;
    if (latency.max < latency.min) {
      ctx.error(pointer_child(pointer, "max"),
                "max must not be less than min (" + format_time(latency.min) + ")");
      return std::nullopt;
    }
    return LatencyModel::uniform(latency.min, latency.max);
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
    required_key<AsEnum<kNatBehaviours>, &NatObjectDraft::nat, &NatConfig::mapping>(
        "mapping", "RFC 4787 mapping behaviour"),
    required_key<AsEnum<kNatBehaviours>, &NatObjectDraft::nat, &NatConfig::filtering>(
        "filtering", "RFC 4787 filtering behaviour"),
    optional_key<AsPositiveTime, &NatObjectDraft::nat, &NatConfig::mapping_timeout>(
        "mapping_timeout", "how long an idle mapping lives"),
};

json mix_schema() {
  return {{"type", "object"},
          {"minProperties", 1},
          {"propertyNames", {{"enum", spellings_of<kNamedNats>()}}},
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
         const auto named = find_name(kNamedNats, it.key());
         if (!named) {
           c.key_error(entry,
                       "unknown NAT " + quote(it.key()) + "; expected " + names_of(kNamedNats));
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
    if (auto named = find_name(kNamedNats, value.get_ref<const std::string&>())) return *named;
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
           {{{"enum", spellings_of<kNamedNats>()}},
            object_schema(kNatObjectFields),
            object_schema(kNatMixFields)}}};
}
}  // namespace connsim::scenarios::decode
