#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <span>
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

/// Every key any step may have; the table of each action picks its keys.
struct StepDraft {
  ActionKind kind = ActionKind::heal;
  Step step;
  std::string wallet;
  std::string peer;
  std::vector<std::string> peers;
  std::string shared_wallet;
  std::optional<std::string> recipient;
  std::optional<std::int64_t> amount_sats;
  std::string relay;
  std::optional<Duration> for_duration;
  std::array<std::vector<std::string>, 2> between;
  std::optional<LatencyModel> latency;
  std::optional<double> loss;
};

constexpr Field<Repeat> kRepeatFields[] = {
    required_key<AsPositiveTime, &Repeat::every>("every", "the period after `at`"),
    {"times", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Repeat& r) {
       if (auto times =
               get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxTimelineRuns))) {
         r.times = static_cast<std::uint64_t>(*times);
       }
     },
     AsInt64<1, limits::kMaxTimelineRuns>::check, "runs in all, the first included"},
};

using StepField = Field<StepDraft>;

constexpr StepField kAtField = required_key<AsMoment, &StepDraft::step, &Step::at>(
    "at", "when the step runs; not after `until`");
constexpr StepField kDoField{"do", true,
                             [](DecodeContext&, const json&, const JsonPointer&, StepDraft&) {},
                             AsEnum<kActionSpellings>::check, "the action"};
constexpr StepField kIdField{
    "id", false,
    [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      auto id = get_id(c, v, p);
      if (!id) {
        c.steps_complete = false;
        return;
      }
      const JsonPointer step_pointer = p.substr(0, p.rfind('/'));
      const auto [first, inserted] = c.steps.emplace(*id, StepInfo{d.kind, step_pointer, {}});
      if (!inserted) {
        c.error(p,
                "duplicate step id " + quote(*id) + "; first defined at " + first->second.pointer);
        return;
      }
      c.step_ids.push_back(*id);
      d.step.id = *id;
    },
    AsId::check, "names the step for result and session expectations; unique among steps"};
constexpr StepField kRepeatField{
    "repeat", false,
    [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      Repeat repeat;
      if (decode_object(c, v, p, kRepeatFields, repeat)) {
        d.step.repeat = repeat;
      }
    },
    ValueCheck{.kind = ValueKind::object, .schema = &table_schema<kRepeatFields>},
    "run at `at`, then every `every` (until `until`, or `times` runs in all)"};
constexpr StepField kWalletField =
    required_key<AsWalletRef, &StepDraft::wallet>("wallet", "the wallet that acts");
constexpr StepField kPeerField =
    required_key<AsWalletRef, &StepDraft::peer>("peer", "the other wallet");
json peers_schema() {
  return {{"type", "array"}, {"maxItems", limits::kMaxWallets}, {"items", {{"type", "string"}}}};
}
constexpr StepField kPeersField{
    "peers", true,
    [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      auto lists = get_array<std::vector<std::string>>(c, v, p, limits::kMaxWallets, wallets_ref);
      if (!lists) return;
      for (auto& list : *lists) d.peers.insert(d.peers.end(), list.begin(), list.end());
    },
    ValueCheck{.kind = ValueKind::any, .schema = &peers_schema},
    "wallet or group ids, in order, repeats kept"};
constexpr StepField kSharedWalletField = required_key<AsSharedWalletRef, &StepDraft::shared_wallet>(
    "shared_wallet", "the shared wallet to spend from");
constexpr StepField kRecipientField =
    optional_key<AsString, &StepDraft::recipient>("recipient", "the spend's recipient");
constexpr StepField kAmountField =
    optional_key<AsInt64<0, std::numeric_limits<std::int64_t>::max()>, &StepDraft::amount_sats>(
        "amount_sats", "the spend's amount");
constexpr StepField kRelayField = required_key<AsRelayRef, &StepDraft::relay>("relay", "the relay");
constexpr StepField kForField =
    optional_key<AsTime, &StepDraft::for_duration>("for", "undone after this");
constexpr StepField kLatencyField =
    optional_key<AsLatency, &StepDraft::latency>("latency", "the network's latency from now on");
constexpr StepField kLossField = optional_key<AsNumber<0, 1'000'000>, &StepDraft::loss>(
    "loss", "the network's loss from now on");

/// One side of a partition: wallet, group or relay ids, as wallet and relay ids.
std::optional<std::vector<std::string>> get_partition_side(DecodeContext& ctx, const json& value,
                                                           const JsonPointer& pointer) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array of wallet or relay ids, got " + describe(value));
    return std::nullopt;
  }
  if (value.empty()) {
    ctx.error(pointer, "a side of a partition needs at least one wallet or relay");
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    const auto id = get_string(ctx, value[i], element);
    if (!id) {
      ok = false;
      continue;
    }
    std::vector<std::string> members;
    if (ctx.sc.wallet_index.count(*id) != 0 || ctx.sc.relay_index.count(*id) != 0) {
      if (!charge_expansion(ctx, 1, element)) return std::nullopt;
      members.push_back(*id);
    } else if (const auto group = ctx.sc.wallet_groups.find(*id);
               group != ctx.sc.wallet_groups.end()) {
      if (!charge_expansion(ctx, group->second.size(), element)) return std::nullopt;
      for (const std::size_t index : group->second) members.push_back(ctx.sc.wallets[index].id);
    } else {
      if (ctx.wallets_complete && ctx.relays_complete) {
        std::vector<std::string> known = ctx.wallet_ids;
        known.insert(known.end(), ctx.relay_ids.begin(), ctx.relay_ids.end());
        ctx.error(element, "unknown wallet or relay " + quote(*id) + "; " +
                               known_list(known, "wallets or relays"));
      }
      ok = false;
      continue;
    }
    for (auto& member : members) {
      if (seen.insert(member).second) out.push_back(std::move(member));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

json between_schema() {
  const json side = {{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}};
  return {{"type", "array"}, {"minItems", 2}, {"maxItems", 2}, {"items", side}};
}
constexpr StepField kBetweenField{
    "between", true,
    [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      if (!v.is_array() || v.size() != 2) {
        c.error(p, "expected two lists of wallet or relay ids, [[...], [...]], got " +
                       (v.is_array() ? "an array of " + std::to_string(v.size()) : describe(v)));
        return;
      }
      auto left = get_partition_side(c, v[0], pointer_child(p, 0));
      auto right = get_partition_side(c, v[1], pointer_child(p, 1));
      if (!left || !right) return;
      const std::set<std::string> left_set(left->begin(), left->end());
      for (std::size_t i = 0; i < v[1].size(); ++i) {
        // Report at the element of the right side that brought the overlapping id.
        const auto& written = v[1][i].get_ref<const std::string&>();
        std::vector<std::string> members;
        if (const auto group = c.sc.wallet_groups.find(written);
            group != c.sc.wallet_groups.end()) {
          for (const std::size_t index : group->second) members.push_back(c.sc.wallets[index].id);
        } else {
          members.push_back(written);
        }
        for (const auto& member : members) {
          if (left_set.count(member) != 0) {
            c.error(pointer_child(pointer_child(p, 1), i),
                    quote(member) + " is on both sides of the partition");
            return;
          }
        }
      }
      d.between = {std::move(*left), std::move(*right)};
    },
    ValueCheck{.kind = ValueKind::any, .schema = &between_schema},
    "two non-empty lists of wallet, group or relay ids that share no wallet or relay"};

constexpr StepField kConnectFields[] = {kAtField,     kDoField,     kIdField,
                                        kRepeatField, kWalletField, kPeerField};
constexpr StepField kConnectManyFields[] = {kAtField,     kDoField,     kIdField,
                                            kRepeatField, kWalletField, kPeersField};
constexpr StepField kProposeSpendFields[] = {kAtField,        kDoField,     kIdField,
                                             kRepeatField,    kWalletField, kSharedWalletField,
                                             kRecipientField, kAmountField};
constexpr StepField kWalletOnlyFields[] = {kAtField, kDoField, kIdField, kRepeatField,
                                           kWalletField};
constexpr StepField kRelayDownFields[] = {kAtField,     kDoField,    kIdField,
                                          kRepeatField, kRelayField, kForField};
constexpr StepField kRelayUpFields[] = {kAtField, kDoField, kIdField, kRepeatField, kRelayField};
constexpr StepField kPartitionFields[] = {kAtField,     kDoField,      kIdField,
                                          kRepeatField, kBetweenField, kForField};
constexpr StepField kHealFields[] = {kAtField, kDoField, kIdField, kRepeatField};
constexpr StepField kSetNetworkFields[] = {kAtField,     kDoField,      kIdField,
                                           kRepeatField, kLatencyField, kLossField};

/// The keys of a step whose `do` is `kind`.
std::span<const StepField> fields_of(ActionKind kind) {
  switch (kind) {
    case ActionKind::connect:
    case ActionKind::drop_connection:
      return kConnectFields;
    case ActionKind::connect_many:
      return kConnectManyFields;
    case ActionKind::propose_spend:
      return kProposeSpendFields;
    case ActionKind::go_offline:
    case ActionKind::go_online:
    case ActionKind::reload:
    case ActionKind::nat_rebind:
      return kWalletOnlyFields;
    case ActionKind::relay_down:
      return kRelayDownFields;
    case ActionKind::relay_up:
      return kRelayUpFields;
    case ActionKind::partition:
      return kPartitionFields;
    case ActionKind::heal:
      return kHealFields;
    case ActionKind::set_network:
      return kSetNetworkFields;
  }
  return kHealFields;
}

Action make_action(StepDraft& d) {
  switch (d.kind) {
    case ActionKind::connect:
      return ConnectAction{d.wallet, d.peer};
    case ActionKind::connect_many:
      return ConnectManyAction{d.wallet, d.peers};
    case ActionKind::propose_spend: {
      ProposeSpendAction action{d.wallet, d.shared_wallet};
      if (d.recipient) action.recipient = *d.recipient;
      if (d.amount_sats) action.amount_sats = *d.amount_sats;
      return action;
    }
    case ActionKind::go_offline:
      return GoOfflineAction{d.wallet};
    case ActionKind::go_online:
      return GoOnlineAction{d.wallet};
    case ActionKind::reload:
      return ReloadAction{d.wallet};
    case ActionKind::relay_down:
      return RelayDownAction{d.relay, d.for_duration};
    case ActionKind::relay_up:
      return RelayUpAction{d.relay};
    case ActionKind::partition:
      return PartitionAction{d.between, d.for_duration};
    case ActionKind::heal:
      return HealAction{};
    case ActionKind::drop_connection:
      return DropConnectionAction{d.wallet, d.peer};
    case ActionKind::nat_rebind:
      return NatRebindAction{d.wallet};
    case ActionKind::set_network:
      return SetNetworkAction{d.latency, d.loss};
  }
  return HealAction{};
}

}  // namespace

void decode_timeline(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                     Scenario& sc) {
  if (!is_array_of_at_most(ctx, value, pointer, limits::kMaxTimelineSteps, "steps")) {
    ctx.steps_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    const json& object = value[i];
    if (!object.is_object()) {
      ctx.error(element, "expected a step (an object), got " + describe(object));
      ctx.steps_complete = false;
      continue;
    }
    std::optional<ActionKind> kind;
    const auto action = object.find("do");
    if (action == object.end()) {
      ctx.error(element, "missing required key \"do\"");
    } else {
      kind = get_enum(ctx, *action, pointer_child(element, "do"), kActionSpellings);
    }
    if (!kind) {
      // Keep the step's id known, so expectations naming it add no "unknown step" error.
      const auto id = object.find("id");
      if (id != object.end() && id->is_string()) {
        ctx.steps.emplace(id->get<std::string>(), StepInfo{std::nullopt, element, {}});
      } else if (id != object.end()) {
        ctx.steps_complete = false;
      }
      continue;
    }
    StepDraft draft;
    draft.kind = *kind;
    const bool ok = decode_object(ctx, object, element, fields_of(draft.kind), draft);
    if (draft.step.id) {
      StepInfo& info = ctx.steps[*draft.step.id];
      info.peers = draft.peers;
      info.complete = ok;
    }
    if (!ok) continue;
    if (draft.kind == ActionKind::set_network && !draft.latency && !draft.loss) {
      ctx.error(element, "set_network needs \"latency\" or \"loss\"");
      continue;
    }
    Step step = std::move(draft.step);
    step.action = make_action(draft);
    step.index = i;
    step.source = ctx.source(element);
    if (step.id) sc.step_index.emplace(*step.id, sc.timeline.size());
    sc.timeline.push_back(std::move(step));
    ctx.step_marks.push_back(ctx.error_count());
  }
}

json timeline_schema() {
  // A step is an object with `at` and `do`; `do` picks its keys (if/then per action).
  json by_action = json::array();
  std::vector<std::string_view> actions;
  for (const auto& action : kActionSpellings) {
    json keys = object_schema(fields_of(action.value));
    keys["properties"]["do"] = {{"const", action.text}};
    json condition = {{"properties", {{"do", {{"const", action.text}}}}}, {"required", {"do"}}};
    by_action.push_back({{"if", condition}, {"then", keys}});
    actions.push_back(action.text);
  }
  const json step = {{"type", "object"},
                     {"required", {"at", "do"}},
                     {"properties", {{"do", {{"enum", actions}}}}},
                     {"allOf", by_action}};
  return {{"type", "array"}, {"maxItems", limits::kMaxTimelineSteps}, {"items", step}};
}
}  // namespace connsim::scenarios::decode
