#include "scenarios/decode/references.hpp"

#include <utility>

#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/text.hpp"

namespace connsim::scenarios::decode {

bool charge_expansion(DecodeContext& ctx, std::uint64_t n, const JsonPointer& pointer) {
  if (ctx.expansion_reported) return false;
  ctx.total_expanded += n;
  if (ctx.total_expanded <= limits::kMaxExpandedIds) return true;
  ctx.expansion_reported = true;
  ctx.error(pointer, "the file expands to more than " + std::to_string(limits::kMaxExpandedIds) +
                         " wallet and relay ids (the limit): each wallet of a `count` copies its "
                         "relay list, and a group id in peers, participants or a partition stands "
                         "for every wallet of the group");
  return false;
}

namespace {

std::string group_hint(const DecodeContext& ctx, const std::string& id) {
  const auto group = ctx.sc.wallet_groups.find(id);
  if (group == ctx.sc.wallet_groups.end() || group->second.empty()) return "";
  return "; it has a count: use " + quote(id + "-1") + " ... " +
         quote(id + "-" + std::to_string(group->second.size()));
}

/// What a reference names: the ids defined, whether all of them were read (if not, an unknown
/// id adds no error: the file already has one where that id was defined), and the words of the
/// "unknown <what> "<id>"; <known ids>" error.
template <class Index>
struct Referenced {
  const Index& defined;
  bool complete;
  std::string_view what;
  const std::vector<std::string>& known;
  std::string_view plural;
};
template <class Index>
Referenced<Index> referenced(const Index& defined, bool complete, std::string_view what,
                             const std::vector<std::string>& known, std::string_view plural) {
  return {defined, complete, what, known, plural};
}

/// A string naming an id of `target`; otherwise adds the error (and `hint`) and returns nothing.
template <class Index>
std::optional<std::string> id_of(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                                 const Referenced<Index>& target,
                                 std::string (*hint)(const DecodeContext&,
                                                     const std::string&) = nullptr) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (target.defined.count(*id) != 0) return id;
  if (target.complete) {
    ctx.error(pointer, "unknown " + std::string(target.what) + " " + quote(*id) + "; " +
                           known_list(target.known, target.plural) + (hint ? hint(ctx, *id) : ""));
  }
  return std::nullopt;
}

}  // namespace

/// One wallet id.
std::optional<std::string> wallet_ref(DecodeContext& ctx, const json& value,
                                      const JsonPointer& pointer) {
  return id_of(
      ctx, value, pointer,
      referenced(ctx.sc.wallet_index, ctx.wallets_complete, "wallet", ctx.wallet_ids, "wallets"),
      &group_hint);
}

/// A wallet id or a group id (a wallet written with `count`), as wallet ids.
std::optional<std::vector<std::string>> wallets_ref(DecodeContext& ctx, const json& value,
                                                    const JsonPointer& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (ctx.sc.wallet_index.count(*id) != 0) {
    if (!charge_expansion(ctx, 1, pointer)) return std::nullopt;
    return std::vector<std::string>{*id};
  }
  if (const auto group = ctx.sc.wallet_groups.find(*id); group != ctx.sc.wallet_groups.end()) {
    if (!charge_expansion(ctx, group->second.size(), pointer)) return std::nullopt;
    std::vector<std::string> members;
    for (const std::size_t index : group->second) members.push_back(ctx.sc.wallets[index].id);
    return members;
  }
  if (ctx.wallets_complete) {
    ctx.error(pointer,
              "unknown wallet " + quote(*id) + "; " + known_list(ctx.wallet_ids, "wallets"));
  }
  return std::nullopt;
}

std::optional<std::string> relay_ref(DecodeContext& ctx, const json& value,
                                     const JsonPointer& pointer) {
  return id_of(
      ctx, value, pointer,
      referenced(ctx.sc.relay_index, ctx.relays_complete, "relay", ctx.relay_ids, "relays"));
}

std::optional<std::string> shared_wallet_ref(DecodeContext& ctx, const json& value,
                                             const JsonPointer& pointer) {
  return id_of(ctx, value, pointer,
               referenced(ctx.shared_owner, ctx.shared_complete, "shared wallet", ctx.shared_ids,
                          "shared wallets"));
}

/// A step id; nullopt (without an error) when the step exists but its `do` was invalid.
const StepInfo* step_ref(DecodeContext& ctx, const json& value, const JsonPointer& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return nullptr;
  const auto it = ctx.steps.find(*id);
  if (it == ctx.steps.end()) {
    if (ctx.steps_complete) {
      ctx.error(pointer,
                "unknown step " + quote(*id) + "; " + known_list(ctx.step_ids, "step ids"));
    }
    return nullptr;
  }
  if (!it->second.kind) return nullptr;
  return &it->second;
}

/// Claims `id` in the shared wallet/group/relay namespace.
bool claim_id(DecodeContext& ctx, const std::string& id, const JsonPointer& pointer,
              std::string owner) {
  const auto [it, inserted] = ctx.id_owner.emplace(id, std::move(owner));
  if (!inserted) {
    ctx.error(pointer, "duplicate id " + quote(id) + "; already used by " + it->second);
  }
  return inserted;
}
}  // namespace connsim::scenarios::decode
