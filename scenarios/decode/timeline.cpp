#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/spellings.hpp"
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
    {"every", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Repeat& r) {
       assign(r.every, get_positive_time(c, v, p));
     }},
    {"times", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Repeat& r) {
       if (auto times =
               get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxTimelineRuns))) {
         r.times = static_cast<std::uint64_t>(*times);
       }
     }},
};

using StepField = Field<StepDraft>;

constexpr StepField kAtField{
    "at", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.step.at, get_moment(c, v, p));
    }};
constexpr StepField kDoField{"do", true,
                             [](DecodeContext&, const json&, const JsonPointer&, StepDraft&) {}};
constexpr StepField kIdField{
    "id", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
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
    }};
constexpr StepField kRepeatField{
    "repeat", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      Repeat repeat;
      if (decode_object(c, v, p, kRepeatFields, repeat)) {
        d.step.repeat = repeat;
      }
    }};
constexpr StepField kWalletField{
    "wallet", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.wallet, wallet_ref(c, v, p));
    }};
constexpr StepField kPeerField{
    "peer", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.peer, wallet_ref(c, v, p));
    }};
constexpr StepField kPeersField{
    "peers", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      auto lists = get_array<std::vector<std::string>>(c, v, p, limits::kMaxWallets, wallets_ref);
      if (!lists) return;
      for (auto& list : *lists) d.peers.insert(d.peers.end(), list.begin(), list.end());
    }};
constexpr StepField kSharedWalletField{
    "shared_wallet", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.shared_wallet, shared_wallet_ref(c, v, p));
    }};
constexpr StepField kRecipientField{
    "recipient", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.recipient, get_string(c, v, p));
    }};
constexpr StepField kAmountField{
    "amount_sats", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.amount_sats, get_integer(c, v, p, 0, std::numeric_limits<std::int64_t>::max()));
    }};
constexpr StepField kRelayField{
    "relay", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.relay, relay_ref(c, v, p));
    }};
constexpr StepField kForField{
    "for", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.for_duration, get_time(c, v, p));
    }};
constexpr StepField kLatencyField{
    "latency", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.latency, get_latency(c, v, p));
    }};
constexpr StepField kLossField{
    "loss", false, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
      assign(d.loss, get_number(c, v, p, 0, 1));
    }};

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

constexpr StepField kBetweenField{
    "between", true, [](DecodeContext& c, const json& v, const JsonPointer& p, StepDraft& d) {
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
    }};

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

bool decode_step_fields(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                        StepDraft& draft) {
  switch (draft.kind) {
    case ActionKind::connect:
    case ActionKind::drop_connection:
      return decode_object(ctx, value, pointer, kConnectFields, draft);
    case ActionKind::connect_many:
      return decode_object(ctx, value, pointer, kConnectManyFields, draft);
    case ActionKind::propose_spend:
      return decode_object(ctx, value, pointer, kProposeSpendFields, draft);
    case ActionKind::go_offline:
    case ActionKind::go_online:
    case ActionKind::reload:
    case ActionKind::nat_rebind:
      return decode_object(ctx, value, pointer, kWalletOnlyFields, draft);
    case ActionKind::relay_down:
      return decode_object(ctx, value, pointer, kRelayDownFields, draft);
    case ActionKind::relay_up:
      return decode_object(ctx, value, pointer, kRelayUpFields, draft);
    case ActionKind::partition:
      return decode_object(ctx, value, pointer, kPartitionFields, draft);
    case ActionKind::heal:
      return decode_object(ctx, value, pointer, kHealFields, draft);
    case ActionKind::set_network:
      return decode_object(ctx, value, pointer, kSetNetworkFields, draft);
  }
  return false;
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
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.steps_complete = false;
    return;
  }
  if (value.size() > limits::kMaxTimelineSteps) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxTimelineSteps) + " steps, got " +
                           std::to_string(value.size()));
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
      kind = get_enum(ctx, *action, pointer_child(element, "do"), kActions);
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
    const bool ok = decode_step_fields(ctx, object, element, draft);
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
}  // namespace connsim::scenarios::decode
