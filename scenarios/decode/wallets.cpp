#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
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

struct RetryDraft {
  store::RetryPolicy policy;
  bool deadline_given = false;
};

constexpr Field<RetryDraft> kRetryFields[] = {
    optional_key<AsEnum<store::kRetryKindSpellings>, &RetryDraft::policy,
                 &store::RetryPolicy::kind>("policy", "how the wait between attempts grows"),
    optional_key<AsInt<1, limits::kMaxRetryAttempts>, &RetryDraft::policy,
                 &store::RetryPolicy::max_attempts>("max_attempts", "attempts in all"),
    optional_key<AsTime, &RetryDraft::policy, &store::RetryPolicy::base_delay>("base_delay",
                                                                               "the first wait"),
    optional_key<AsTime, &RetryDraft::policy, &store::RetryPolicy::max_delay>(
        "max_delay", "upper bound of one wait; 0 = none"),
    {"deadline", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       r.deadline_given = true;
       assign(r.policy.deadline, get_time(c, v, p));
     },
     AsTime::check, "deadline-bounded only: no attempt starts later than this; 0 = none"},
};

constexpr Field<store::ConnectConcurrency> kConcurrencyFields[] = {
    optional_key<AsEnum<store::kConcurrencyModeSpellings>, &store::ConnectConcurrency::mode>(
        "mode", "slices of `limit` awaited whole, or a sliding window"),
    optional_key<AsInt<1, limits::kMaxConcurrencyLimit>, &store::ConnectConcurrency::limit>(
        "limit", "connects at once"),
};

constexpr Field<store::Musig2StoreOptions> kMusig2Fields[] = {
    optional_key<AsTime, &store::Musig2StoreOptions::connectivity_timeout>(
        "connectivity_timeout", "race the connection work against this; 0 = no race"),
    optional_key<AsBool, &store::Musig2StoreOptions::cancel_on_timeout>("cancel_on_timeout",
                                                                        "fix for field bug 8"),
    optional_key<AsBool, &store::Musig2StoreOptions::allow_partial_connectivity>(
        "allow_partial_connectivity", "fix for field bug 7"),
    optional_key<AsInt<0, limits::kMaxWallets>,
                 &store::Musig2StoreOptions::min_connected_participants>(
        "min_connected_participants", "the quorum; 0 = all others"),
    optional_key<AsBool, &store::Musig2StoreOptions::unique_session_ids>("unique_session_ids",
                                                                         "fix for field bug 9"),
    optional_key<AsPositiveTime, &store::Musig2StoreOptions::nonce_timeout>("nonce_timeout",
                                                                            "nonce round timeout"),
    optional_key<AsPositiveTime, &store::Musig2StoreOptions::partial_sig_timeout>(
        "partial_sig_timeout", "partial signature round timeout"),
    optional_key<AsPositiveTime, &store::Musig2StoreOptions::session_timeout>(
        "session_timeout", "whole signing session timeout"),
};

constexpr Field<WalletStoreOptions> kStoreFields[] = {
    optional_key<AsEnum<sim::kStoreImplementationSpellings>, &WalletStoreOptions::implementation>(
        "implementation",
        "who runs the wallet's stores: the C++ port (cpp) or its JavaScript on Node (js)"),
    {"retry", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       RetryDraft draft{s.p2p.retry};
       if (!decode_object(c, v, p, kRetryFields, draft)) return;
       if (draft.deadline_given && draft.policy.kind != store::RetryKind::deadline_bounded) {
         c.key_error(pointer_child(p, "deadline"),
                     "\"deadline\" applies only to the policy \"deadline-bounded\"");
         return;
       }
       s.p2p.retry = draft.policy;
     },
     ValueCheck{.kind = ValueKind::object, .schema = &table_schema<kRetryFields>},
     "the P2P store's retry policy"},
    object_key<kConcurrencyFields, &WalletStoreOptions::p2p, &store::P2PStoreOptions::concurrency>(
        "concurrency", "connectToMultiplePeers' concurrency"),
    optional_key<AsEnum<store::kPresenceUpdateSpellings>, &WalletStoreOptions::p2p,
                 &store::P2PStoreOptions::presence_update>(
        "presence_update", "what a re-advertisement does to a known peer (field bug 4)"),
    optional_key<AsBool, &WalletStoreOptions::p2p,
                 &store::P2PStoreOptions::mark_disconnected_on_close>("mark_disconnected_on_close",
                                                                      "fix for field bug 3"),
    optional_key<AsBool, &WalletStoreOptions::p2p,
                 &store::P2PStoreOptions::dedupe_concurrent_connects>("dedupe_concurrent_connects",
                                                                      "fix for field bug 5"),
    optional_key<AsEnum<store::kDirectStepFilterSpellings>, &WalletStoreOptions::connection,
                 &store::ConnectionServiceOptions::direct_step_filter>(
        "direct_filter", "the direct ladder step's inverted filter (field bug 10) or its fix"),
    optional_key<AsEnum<store::kPeerExchangeReaderSpellings>, &WalletStoreOptions::connection,
                 &store::ConnectionServiceOptions::peer_exchange_reader>(
        "peer_exchange_reader", "the mismatched peer-exchange reader (field bug 1) or its fix"),
    object_key<kMusig2Fields, &WalletStoreOptions::musig2>("musig2", "the MuSig2 store"),
};

constexpr Field<SdkOptions> kSdkFields[] = {
    optional_key<AsBool, &SdkOptions::broadcast_skips_relay>(
        "broadcast_skips_relay", "field bug 2: the SDK's broadcast skips relay circuits"),
};

std::optional<RelayReconnect> get_relay_reconnect(DecodeContext& ctx, const json& value,
                                                  const JsonPointer& pointer) {
  if (value.is_string() && value.get_ref<const std::string&>() == "none") {
    return RelayReconnect{RelayReconnect::Mode::none, Duration::zero()};
  }
  if (value.is_string() && value.get_ref<const std::string&>() == "keep-alive") {
    return RelayReconnect{RelayReconnect::Mode::keep_alive, Duration::zero()};
  }
  Duration interval{};
  switch (decode_time(value, interval)) {
    case TimeIssue::none:
      if (interval > Duration::zero())
        return RelayReconnect{RelayReconnect::Mode::interval, interval};
      ctx.error(pointer, "a redial interval must be greater than 0, got " + describe(value));
      return std::nullopt;
    case TimeIssue::syntax:
      ctx.error(pointer,
                "expected \"none\", \"keep-alive\" or a time like \"5s\", got " + describe(value));
      return std::nullopt;
    case TimeIssue::negative:
      ctx.error(pointer, "a time must not be negative, got " + describe(value));
      return std::nullopt;
    case TimeIssue::too_large:
      ctx.error(pointer, "a time must be at most " + format_time(limits::kMaxTime) + ", got " +
                             describe(value));
      return std::nullopt;
  }
  return std::nullopt;
}

struct AsRelayReconnect {
  static json schema() {
    return {{"anyOf", {{{"enum", {"none", "keep-alive"}}}, {{"$ref", "#/$defs/positive_time"}}}}};
  }
  static constexpr ValueCheck check{.kind = ValueKind::any, .schema = &schema};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_relay_reconnect(c, v, p);
  }
};

json relay_list_schema() {
  return {{"type", "array"},
          {"maxItems", limits::kMaxRelays},
          {"uniqueItems", true},
          {"items", {{"type", "string"}}}};
}

struct WalletDraft {
  Wallet wallet;
  std::optional<std::uint64_t> count;
  bool peer_id_given = false;
  bool relays_given = false;
};

constexpr Field<WalletDraft> kWalletFields[] = {
    required_key<AsId, &WalletDraft::wallet, &Wallet::id>(
        "id", "the wallet's id (with count: the group's), unique among wallets, groups, relays"),
    {"peer_id", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       if (auto peer_id = get_id(c, v, p)) {
         d.wallet.peer_id = *peer_id;
         d.peer_id_given = true;
       }
     },
     AsId::check, "the libp2p peer id the stores use (default: the id); distinct across wallets"},
    optional_key<AsString, &WalletDraft::wallet, &Wallet::nickname>(
        "nickname", "shown in activity messages instead of the peer id"),
    optional_key<AsNat, &WalletDraft::wallet, &Wallet::nat>("nat",
                                                            "the wallet's NAT (default none)"),
    {"relays", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       d.relays_given = true;
       auto relays = get_array<std::string>(c, v, p, limits::kMaxRelays, relay_ref);
       if (!relays) return;
       std::set<std::string> seen;
       for (std::size_t i = 0; i < relays->size(); ++i) {
         if (!seen.insert((*relays)[i]).second) {
           c.error(pointer_child(p, i), "relay " + quote((*relays)[i]) + " is listed twice");
           return;
         }
       }
       d.wallet.relays = std::move(*relays);
     },
     ValueCheck{.kind = ValueKind::any, .schema = &relay_list_schema},
     "relay ids it reserves on (default every relay; [] = none; no repeats)"},
    optional_key<AsBool, &WalletDraft::wallet, &Wallet::webrtc>("webrtc",
                                                                "whether it can upgrade to WebRTC"),
    optional_key<AsTime, &WalletDraft::wallet, &Wallet::online_at>(
        "online_at", "when it first joins the network"),
    optional_key<AsLatency, &WalletDraft::wallet, &Wallet::access_latency>(
        "access_latency", "added to the network's latency on every hop from or to it"),
    {"count", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       if (auto count = get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxWallets))) {
         d.count = static_cast<std::uint64_t>(*count);
       }
     },
     AsInt64<1, limits::kMaxWallets>::check,
     "expands the entry into wallets <id>-1 ... <id>-count"},
    optional_key<AsRelayReconnect, &WalletDraft::wallet, &Wallet::relay_reconnect>(
        "relay_reconnect", "none, keep-alive, or redial each lost relay at this interval"),
    optional_key<AsInt<0, limits::kMaxInboundLimit>, &WalletDraft::wallet, &Wallet::inbound_limit>(
        "inbound_limit", "new inbound connections accepted per second from one remote host"),
    {"store", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       d.wallet.store.as_written = v.dump();  // a JavaScript store reads its options from it
       decode_object(c, v, p, kStoreFields, d.wallet.store);
     },
     ValueCheck{.kind = ValueKind::object, .schema = &table_schema<kStoreFields>},
     "the wallet's stores"},
    object_key<kSdkFields, &WalletDraft::wallet, &Wallet::sdk>("sdk", "the wallet's SDK"),
};

void add_wallet(DecodeContext& ctx, Wallet wallet, const JsonPointer& peer_id_pointer) {
  const auto [owner, inserted] = ctx.peer_id_owner.emplace(wallet.peer_id, wallet.id);
  if (!inserted) {
    ctx.error(peer_id_pointer, "duplicate peer_id " + quote(wallet.peer_id) +
                                   "; already the peer_id of wallet " + quote(owner->second));
  }
  ctx.sc.wallet_index.emplace(wallet.id, ctx.sc.wallets.size());
  ctx.wallet_ids.push_back(wallet.id);
  ctx.sc.wallets.push_back(std::move(wallet));
}
}  // namespace

void decode_wallets(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                    Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.wallets_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    WalletDraft draft;
    decode_object(ctx, value[i], element, kWalletFields, draft);
    Wallet& wallet = draft.wallet;
    if (wallet.id.empty()) {
      ctx.wallets_complete = false;
      continue;
    }
    wallet.source = ctx.source(element);
    if (!draft.relays_given) wallet.relays = ctx.relay_ids;
    const JsonPointer id_pointer = pointer_child(element, "id");
    const JsonPointer peer_id_pointer =
        draft.peer_id_given ? pointer_child(element, "peer_id") : id_pointer;
    const std::uint64_t count = draft.count.value_or(1);
    if (ctx.total_wallets + count > limits::kMaxWallets) {
      ctx.error(draft.count ? pointer_child(element, "count") : element,
                "more than " + std::to_string(limits::kMaxWallets) +
                    " wallets in one scenario (the limit)");
      ctx.wallets_complete = false;
      return;
    }
    ctx.total_wallets += count;
    if (!charge_expansion(ctx, count * wallet.relays.size(),
                          draft.count ? pointer_child(element, "count") : element)) {
      ctx.wallets_complete = false;
      return;
    }
    if (!draft.count) {
      if (!draft.peer_id_given) wallet.peer_id = wallet.id;
      if (claim_id(ctx, wallet.id, id_pointer, "the wallet at " + element)) {
        add_wallet(ctx, std::move(wallet), peer_id_pointer);
      }
      continue;
    }
    if (!claim_id(ctx, wallet.id, id_pointer, "the wallets of " + element)) continue;
    auto& group = sc.wallet_groups[wallet.id];
    for (std::uint64_t k = 1; k <= count; ++k) {
      const std::string suffix = "-" + std::to_string(k);
      Wallet member = wallet;
      member.id = wallet.id + suffix;
      member.peer_id = (draft.peer_id_given ? wallet.peer_id : wallet.id) + suffix;
      member.group = wallet.id;
      member.group_index = static_cast<int>(k);
      if (!claim_id(ctx, member.id, draft.count ? pointer_child(element, "count") : id_pointer,
                    "the wallets of " + element)) {
        continue;
      }
      group.push_back(sc.wallets.size());
      add_wallet(ctx, std::move(member), peer_id_pointer);
    }
  }
}

namespace {

json participants_schema() {
  return {{"type", "array"},
          {"minItems", 1},
          {"maxItems", limits::kMaxWallets},
          {"items", {{"type", "string"}}}};
}

constexpr Field<SharedWallet> kSharedWalletFields[] = {
    required_key<AsId, &SharedWallet::id>("id", "the shared wallet's id"),
    {"participants", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SharedWallet& s) {
       auto lists = get_array<std::vector<std::string>>(c, v, p, limits::kMaxWallets, wallets_ref);
       if (!lists) return;
       if (lists->empty()) {
         c.error(p, "a shared wallet needs at least one participant");
         return;
       }
       std::set<std::string> seen;
       for (std::size_t i = 0; i < lists->size(); ++i) {
         for (auto& id : (*lists)[i]) {
           if (!seen.insert(id).second) {
             c.error(pointer_child(p, i), "wallet " + quote(id) + " is listed twice");
             return;
           }
           s.participants.push_back(id);
         }
       }
     },
     ValueCheck{.kind = ValueKind::any, .schema = &participants_schema},
     "wallet or group ids of its signers; a wallet at most once"},
};

}  // namespace

void decode_shared_wallets(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                           Scenario& sc) {
  decode_objects_with_ids(
      ctx, value, pointer, limits::kMaxSharedWallets, "shared wallets", kSharedWalletFields,
      ctx.shared_complete, [&](SharedWallet&& shared, const JsonPointer& element) {
        const auto [first, inserted] = ctx.shared_owner.emplace(shared.id, element);
        if (!inserted) {
          ctx.error(pointer_child(element, "id"), "duplicate shared wallet id " + quote(shared.id) +
                                                      "; first defined at " + first->second);
          return;
        }
        sc.shared_wallet_index.emplace(shared.id, sc.shared_wallets.size());
        ctx.shared_ids.push_back(shared.id);
        sc.shared_wallets.push_back(std::move(shared));
      });
}

json wallets_schema() {
  return {{"type", "array"}, {"items", object_schema(kWalletFields)}};
}

json shared_wallets_schema() {
  return {{"type", "array"},
          {"maxItems", limits::kMaxSharedWallets},
          {"items", object_schema(kSharedWalletFields)}};
}
}  // namespace connsim::scenarios::decode
