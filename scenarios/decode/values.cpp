#include "scenarios/decode/values.hpp"

#include <string>
#include <string_view>

#include "scenarios/decode/fields.hpp"
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
    {"median", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, LogNormalLatency& l) {
       assign(l.median, get_positive_time(c, v, p));
     }},
    {"p99", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, LogNormalLatency& l) {
       assign(l.p99, get_time(c, v, p));
     }},
};

constexpr Field<UniformLatency> kUniformFields[] = {
    {"min", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, UniformLatency& l) {
       assign(l.min, get_time(c, v, p));
     }},
    {"max", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, UniformLatency& l) {
       assign(l.max, get_time(c, v, p));
     }},
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
    {"mapping", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NatObjectDraft& d) {
       assign(d.nat.mapping, get_enum(c, v, p, kNatBehaviours));
     }},
    {"filtering", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NatObjectDraft& d) {
       assign(d.nat.filtering, get_enum(c, v, p, kNatBehaviours));
     }},
    {"mapping_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, NatObjectDraft& d) {
       assign(d.nat.mapping_timeout, get_positive_time(c, v, p));
     }},
};

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
     }},
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
}  // namespace connsim::scenarios::decode
