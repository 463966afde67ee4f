#include "scenarios/explore/space.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/document.hpp"
#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;
using namespace decode;

constexpr std::int64_t kMaxWallets = 200;
constexpr std::int64_t kMaxRelays = 20;
constexpr std::int64_t kMaxSteps = 200;
constexpr std::int64_t kMaxRepeatTimes = 200;

/// A Choice: a plain value, {"min": v, "max": v} (min <= max) or {"one_of": [v, ...]} (non-empty).
template <class T, class Element>
std::optional<Choice<T>> get_choice(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                    Element element) {
  if (!value.is_object()) {
    auto single = element(ctx, value, pointer);
    if (!single) return std::nullopt;
    return Choice<T>::fixed(*single);
  }
  if (value.contains("one_of")) {
    if (!only_keys(ctx, value, pointer, {"one_of"})) return std::nullopt;
    const JsonPointer at = pointer_child(pointer, "one_of");
    auto options = get_array<T>(ctx, value["one_of"], at, 1000, element);
    if (!options) return std::nullopt;
    if (options->empty()) {
      ctx.error(at, "one_of needs at least one value");
      return std::nullopt;
    }
    Choice<T> out;
    out.options = std::move(*options);
    out.min = out.max = out.options.front();
    return out;
  }
  if (!only_keys(ctx, value, pointer, {"min", "max"})) return std::nullopt;
  bool complete = true;
  for (const char* key : {"min", "max"}) {
    if (!value.contains(key)) {
      ctx.error(pointer, "missing required key " + quote(key) + " (a range is {\"min\": v, \"max\": v})");
      complete = false;
    }
  }
  if (!complete) return std::nullopt;
  auto low = element(ctx, value["min"], pointer_child(pointer, "min"));
  auto high = element(ctx, value["max"], pointer_child(pointer, "max"));
  if (!low || !high) return std::nullopt;
  if (*high < *low) {
    ctx.error(pointer_child(pointer, "max"), "max must not be less than min");
    return std::nullopt;
  }
  return Choice<T>::range(*low, *high);
}

auto int_in(std::int64_t min, std::int64_t max) {
  return [min, max](DecodeContext& c, const json& v, const JsonPointer& p) { return get_integer(c, v, p, min, max); };
}
auto number_in(double min, double max) {
  return [min, max](DecodeContext& c, const json& v, const JsonPointer& p) { return get_number(c, v, p, min, max); };
}
auto time_in(Duration min, Duration max) {
  return [min, max](DecodeContext& c, const json& v, const JsonPointer& p) -> std::optional<Duration> {
    auto time = get_time(c, v, p);
    if (!time) return std::nullopt;
    if (*time < min || *time > max) {
      c.error(p, "must be between " + format_time(min) + " and " + format_time(max) + ", got " + describe(v));
      return std::nullopt;
    }
    return time;
  };
}

/// {"name": weight, ...}: names from `allowed` (or accepted by `extra`), weights >= 0, one > 0.
Weights get_weights(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    const std::vector<std::string_view>& allowed, bool (*extra)(std::string_view) = nullptr) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an object of weights {\"name\": weight}, got " + describe(value));
    return {};
  }
  std::map<std::string, double> kept;
  bool positive = false;
  for (auto it = value.begin(); it != value.end(); ++it) {
    const JsonPointer at = pointer_child(pointer, it.key());
    const bool known = std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end() ||
                       (extra != nullptr && extra(it.key()));
    if (!known) {
      std::string listed;
      for (auto name : allowed) listed += (listed.empty() ? "" : ", ") + std::string(name);
      ctx.key_error(at, "unknown name " + quote(it.key()) + "; expected one of: " + listed +
                            (extra != nullptr ? ", or a positive time" : ""));
      continue;
    }
    auto weight = get_number(ctx, *it, at, 0.0, std::nullopt);
    if (!weight) continue;
    if (*weight > 0) {
      kept[it.key()] = *weight;
      positive = true;
    }
  }
  if (!positive && ctx.error_count() == 0) ctx.error(pointer, "at least one weight must be greater than 0");
  return Weights(kept.begin(), kept.end());
}

bool is_positive_time(std::string_view text) {
  const auto time = parse_time(text);
  return time && *time > Duration::zero();
}

const std::vector<std::string_view> kNatNames{"none", "full-cone", "restricted-cone", "port-restricted-cone", "symmetric"};
const std::vector<std::string_view> kReconnectNames{"none", "keep-alive"};
const std::vector<std::string_view> kRelayImplementations{"go", "js"};

template <class T, class Element>
void set_choice(Choice<T>& target, DecodeContext& c, const json& v, const JsonPointer& p, Element element) {
  if (auto choice = get_choice<T>(c, v, p, element)) target = std::move(*choice);
}

constexpr Duration kMaxTime = std::chrono::hours(720);

const Field<RelaySpace> kRelayFields[] = {
    {"count", false, [](DecodeContext& c, const json& v, const JsonPointer& p, RelaySpace& r) {
       set_choice(r.count, c, v, p, int_in(0, kMaxRelays)); }},
    {"implementation", false, [](DecodeContext& c, const json& v, const JsonPointer& p, RelaySpace& r) {
       r.implementation = get_weights(c, v, p, kRelayImplementations); }},
    {"max_reservations", false, [](DecodeContext& c, const json& v, const JsonPointer& p, RelaySpace& r) {
       set_choice(r.max_reservations, c, v, p, int_in(0, 100000)); }},
    {"circuit_duration", false, [](DecodeContext& c, const json& v, const JsonPointer& p, RelaySpace& r) {
       set_choice(r.circuit_duration, c, v, p, time_in(Duration::zero(), kMaxTime)); }},
    {"circuit_bytes", false, [](DecodeContext& c, const json& v, const JsonPointer& p, RelaySpace& r) {
       set_choice(r.circuit_bytes, c, v, p, int_in(0, std::int64_t{1} << 40)); }},
};

const Field<ActionSpace> kRepeatFields[] = {
    {"probability", false, [](DecodeContext& c, const json& v, const JsonPointer& p, ActionSpace& a) {
       if (auto n = get_number(c, v, p, 0.0, 1.0)) a.repeat_probability = *n; }},
    {"times", false, [](DecodeContext& c, const json& v, const JsonPointer& p, ActionSpace& a) {
       set_choice(a.repeat_times, c, v, p, int_in(1, kMaxRepeatTimes)); }},
    {"every", false, [](DecodeContext& c, const json& v, const JsonPointer& p, ActionSpace& a) {
       set_choice(a.repeat_every, c, v, p, time_in(std::chrono::milliseconds(1), kMaxTime)); }},
};

// The keys of a part that draws steps (actions, faults): how many, and the weights of the kinds
// (one of `kinds()`) they are drawn from.
template <class Part>
void decode_step_count(DecodeContext& c, const json& v, const JsonPointer& p, Part& part) {
  set_choice(part.count, c, v, p, int_in(0, kMaxSteps));
}
template <class Part, const std::vector<std::string_view>& (*kinds)()>
void decode_step_mix(DecodeContext& c, const json& v, const JsonPointer& p, Part& part) {
  part.mix = get_weights(c, v, p, kinds());
}

const Field<ActionSpace> kActionFields[] = {
    {"count", false, decode_step_count<ActionSpace>},
    {"mix", false, decode_step_mix<ActionSpace, action_kinds>},
    {"repeat", false, [](DecodeContext& c, const json& v, const JsonPointer& p, ActionSpace& a) {
       decode_object(c, v, p, kRepeatFields, a); }},
};

const Field<FaultSpace> kFaultFields[] = {
    {"count", false, decode_step_count<FaultSpace>},
    {"mix", false, decode_step_mix<FaultSpace, fault_kinds>},
    {"duration", false, [](DecodeContext& c, const json& v, const JsonPointer& p, FaultSpace& f) {
       set_choice(f.duration, c, v, p, time_in(std::chrono::milliseconds(1), kMaxTime)); }},
};

const Field<Space> kSpaceFields[] = {
    {"$schema", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space&) { get_string(c, v, p); }},
    {"format", true, [](DecodeContext&, const json&, const JsonPointer&, Space&) {}},  // checked first
    {"name", true, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       auto id = get_id(c, v, p);
       if (id) s.name = *id; }},
    {"description", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space&) { get_string(c, v, p); }},
    {"until", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       set_choice(s.until, c, v, p, time_in(std::chrono::seconds(1), limits::kMaxUntil)); }},
    {"wallets", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       set_choice(s.wallets, c, v, p, int_in(1, kMaxWallets)); }},
    {"nat", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       s.nat = get_weights(c, v, p, kNatNames); }},
    {"latency", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       set_choice(s.latency, c, v, p, time_in(Duration::zero(), std::chrono::seconds(10))); }},
    {"loss", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       set_choice(s.loss, c, v, p, number_in(0.0, 1.0)); }},
    {"relay_reconnect", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       s.relay_reconnect = get_weights(c, v, p, kReconnectNames, &is_positive_time); }},
    {"nickname_probability", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       if (auto n = get_number(c, v, p, 0.0, 1.0)) s.nickname_probability = *n; }},
    {"relays", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       decode_object(c, v, p, kRelayFields, s.relays); }},
    {"actions", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       decode_object(c, v, p, kActionFields, s.actions); }},
    {"faults", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       decode_object(c, v, p, kFaultFields, s.faults); }},
    {"store", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       if (!v.is_object()) {
         c.error(p, "expected an object, got " + describe(v));
         return;
       }
       s.store = v; }},
    {"liveness", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       if (auto b = get_bool(c, v, p)) s.liveness = *b; }},
    {"expect", false, [](DecodeContext& c, const json& v, const JsonPointer& p, Space& s) {
       if (!v.is_array()) {
         c.error(p, "expected an array of expectations, got " + describe(v));
         return;
       }
       s.expect = v; }},
};

// --- the parts a scenario decodes: checked by the scenario loader on a probe scenario ----------

/// One probe wallet's store and, for each pointer under it, the space pointer it came from.
struct ProbeWallet {
  json store = json::object();
  std::vector<std::pair<JsonPointer, JsonPointer>> origins;  // probe pointer under store -> space pointer
};

/// Splits the space's store spec into probe wallets: the first holds every fixed value and the
/// first option of each one_of; each further option gets a wallet of its own.
void split_store(const json& spec, const JsonPointer& space_at, const JsonPointer& probe_at,
                 std::vector<ProbeWallet>& wallets) {
  wallets[0].origins.emplace_back(probe_at, space_at);
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    const JsonPointer space_child = pointer_child(space_at, it.key());
    const JsonPointer probe_child = pointer_child(probe_at, it.key());
    json::json_pointer where(probe_child);
    const json& value = *it;
    if (value.is_object() && value.contains("one_of") && value["one_of"].is_array() && !value["one_of"].empty()) {
      const json& options = value["one_of"];
      for (std::size_t k = 0; k < options.size(); ++k) {
        if (k > 0) wallets.emplace_back();
        ProbeWallet& wallet = k == 0 ? wallets[0] : wallets.back();
        wallet.store[where] = options[k];
        wallet.origins.emplace_back(probe_child, pointer_child(pointer_child(space_child, "one_of"), k));
      }
    } else if (value.is_object()) {
      wallets[0].store[where] = json::object();
      split_store(value, space_child, probe_child, wallets);
    } else {
      wallets[0].store[where] = value;
      wallets[0].origins.emplace_back(probe_child, space_child);
    }
  }
}

/// The space pointer an error of the probe scenario is about: the longest known prefix.
JsonPointer map_back(const JsonPointer& probe_pointer, const std::vector<std::pair<JsonPointer, JsonPointer>>& origins,
                     const JsonPointer& fallback) {
  std::size_t best = 0;
  JsonPointer found = fallback;
  for (const auto& [probe, space] : origins) {
    const bool prefix = probe_pointer == probe ||
                        (probe_pointer.size() > probe.size() && probe_pointer.compare(0, probe.size(), probe) == 0 &&
                         probe_pointer[probe.size()] == '/');
    if (prefix && probe.size() + 1 > best) {
      best = probe.size() + 1;
      found = space + probe_pointer.substr(probe.size());
    }
  }
  return found;
}

void check_with_scenario_loader(DecodeContext& ctx, const Space& space) {
  std::vector<ProbeWallet> wallets(1);
  split_store(space.store, "/store", "", wallets);
  json probe = {{"format", "connsim/1"}, {"name", "space-probe"}, {"wallets", json::array()}, {"expect", space.expect}};
  for (std::size_t w = 0; w < wallets.size(); ++w) {
    probe["wallets"].push_back({{"id", "probe-" + std::to_string(w)}, {"store", wallets[w].store}});
  }
  const LoadResult loaded = load_scenario_text(probe.dump(), ctx.file);
  if (loaded.ok()) return;
  for (const LoadError& error : loaded.errors()) {
    const std::string wallet_prefix = "/wallets/";
    JsonPointer space_pointer = "";
    if (error.pointer.rfind("/expect", 0) == 0) {
      space_pointer = error.pointer;
    } else if (error.pointer.rfind(wallet_prefix, 0) == 0) {
      const std::size_t slash = error.pointer.find('/', wallet_prefix.size());
      const std::string number = error.pointer.substr(wallet_prefix.size(), slash - wallet_prefix.size());
      const bool numeric = !number.empty() && number.size() < 9 &&
                           std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
      const std::size_t w = numeric ? std::stoul(number) : wallets.size();
      const std::string rest = slash == std::string::npos ? "" : error.pointer.substr(slash);
      const std::string store_prefix = "/store";
      const std::string under = rest.rfind(store_prefix, 0) == 0 ? rest.substr(store_prefix.size()) : rest;
      space_pointer = w < wallets.size() ? map_back(under, wallets[w].origins, "/store") : "/store";
    }
    if (error.pointer.empty()) {
      ctx.error("", error.message);
    } else if (error.message.rfind("unknown key", 0) == 0) {
      ctx.key_error(space_pointer, error.message);
    } else {
      ctx.error(space_pointer, error.message);
    }
  }
}

}  // namespace

const std::vector<std::string_view>& fault_kinds() {
  static const std::vector<std::string_view> kinds{"relay_down", "partition", "reload", "nat_rebind",
                                                   "drop_connection", "set_network", "go_offline"};
  return kinds;
}

const std::vector<std::string_view>& action_kinds() {
  static const std::vector<std::string_view> kinds{"connect", "connect_many", "propose_spend"};
  return kinds;
}

SpaceLoadResult load_space_text(std::string_view text, std::string source_name) {
  return load_document_text<SpaceLoadResult, Space>(
      text, source_name, DocumentKind{"a space", kSpaceFormat},
      [](DecodeContext& ctx, const json& root, Space& space) {
        decode_object(ctx, root, "", kSpaceFields, space);
        // Independent of the other keys: all errors reported.
        check_with_scenario_loader(ctx, space);
        if (ctx.error_count() == 0 && space.wallets.min < 1)
          ctx.error("/wallets", "a space needs at least one wallet");
      });
}

SpaceLoadResult load_space_file(const std::filesystem::path& path) {
  return load_document_file(path, load_space_text);
}

}  // namespace connsim::scenarios::explore
