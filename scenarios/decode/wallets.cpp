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

struct RetryDraft {
  store::RetryPolicy policy;
  bool deadline_given = false;
};

constexpr Field<RetryDraft> kRetryFields[] = {
    {"policy", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       assign(r.policy.kind, get_enum(c, v, p, kRetryKinds));
     }},
    {"max_attempts", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       assign(r.policy.max_attempts, get_int(c, v, p, 1, limits::kMaxRetryAttempts));
     }},
    {"base_delay", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       assign(r.policy.base_delay, get_time(c, v, p));
     }},
    {"max_delay", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       assign(r.policy.max_delay, get_time(c, v, p));
     }},
    {"deadline", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, RetryDraft& r) {
       r.deadline_given = true;
       assign(r.policy.deadline, get_time(c, v, p));
     }},
};

constexpr Field<store::ConnectConcurrency> kConcurrencyFields[] = {
    {"mode", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::ConnectConcurrency& k) {
       assign(k.mode, get_enum(c, v, p, kConcurrencyModes));
     }},
    {"limit", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::ConnectConcurrency& k) {
       assign(k.limit, get_int(c, v, p, 1, limits::kMaxConcurrencyLimit));
     }},
};

constexpr Field<store::Musig2StoreOptions> kMusig2Fields[] = {
    {"connectivity_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.connectivity_timeout, get_time(c, v, p));
     }},
    {"cancel_on_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.cancel_on_timeout, get_bool(c, v, p));
     }},
    {"allow_partial_connectivity", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.allow_partial_connectivity, get_bool(c, v, p));
     }},
    {"min_connected_participants", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.min_connected_participants,
              get_int(c, v, p, 0, static_cast<int>(limits::kMaxWallets)));
     }},
    {"unique_session_ids", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.unique_session_ids, get_bool(c, v, p));
     }},
    {"nonce_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.nonce_timeout, get_positive_time(c, v, p));
     }},
    {"partial_sig_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.partial_sig_timeout, get_positive_time(c, v, p));
     }},
    {"session_timeout", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, store::Musig2StoreOptions& m) {
       assign(m.session_timeout, get_positive_time(c, v, p));
     }},
};

constexpr Field<WalletStoreOptions> kStoreFields[] = {
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
     }},
    {"concurrency", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       decode_object(c, v, p, kConcurrencyFields, s.p2p.concurrency);
     }},
    {"presence_update", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       assign(s.p2p.presence_update, get_enum(c, v, p, kPresenceUpdates));
     }},
    {"mark_disconnected_on_close", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       assign(s.p2p.mark_disconnected_on_close, get_bool(c, v, p));
     }},
    {"dedupe_concurrent_connects", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       assign(s.p2p.dedupe_concurrent_connects, get_bool(c, v, p));
     }},
    {"direct_filter", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       assign(s.connection.direct_step_filter, get_enum(c, v, p, kDirectFilters));
     }},
    {"peer_exchange_reader", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       assign(s.connection.peer_exchange_reader, get_enum(c, v, p, kPeerExchangeReaders));
     }},
    {"musig2", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletStoreOptions& s) {
       decode_object(c, v, p, kMusig2Fields, s.musig2);
     }},
};

constexpr Field<SdkOptions> kSdkFields[] = {
    {"broadcast_skips_relay", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SdkOptions& s) {
       assign(s.broadcast_skips_relay, get_bool(c, v, p));
     }},
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

struct WalletDraft {
  Wallet wallet;
  std::optional<std::uint64_t> count;
  bool peer_id_given = false;
  bool relays_given = false;
};

constexpr Field<WalletDraft> kWalletFields[] = {
    {"id", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.id, get_id(c, v, p));
     }},
    {"peer_id", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       if (auto peer_id = get_id(c, v, p)) {
         d.wallet.peer_id = *peer_id;
         d.peer_id_given = true;
       }
     }},
    {"nickname", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.nickname, get_string(c, v, p));
     }},
    {"nat", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.nat, get_nat(c, v, p));
     }},
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
     }},
    {"webrtc", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.webrtc, get_bool(c, v, p));
     }},
    {"online_at", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.online_at, get_time(c, v, p));
     }},
    {"access_latency", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.access_latency, get_latency(c, v, p));
     }},
    {"count", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       if (auto count = get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxWallets))) {
         d.count = static_cast<std::uint64_t>(*count);
       }
     }},
    {"relay_reconnect", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.relay_reconnect, get_relay_reconnect(c, v, p));
     }},
    {"inbound_limit", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       assign(d.wallet.inbound_limit, get_int(c, v, p, 0, limits::kMaxInboundLimit));
     }},
    {"store", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       decode_object(c, v, p, kStoreFields, d.wallet.store);
     }},
    {"sdk", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, WalletDraft& d) {
       decode_object(c, v, p, kSdkFields, d.wallet.sdk);
     }},
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

constexpr Field<SharedWallet> kSharedWalletFields[] = {
    {"id", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SharedWallet& s) {
       assign(s.id, get_id(c, v, p));
     }},
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
     }},
};

}  // namespace

void decode_shared_wallets(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                           Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.shared_complete = false;
    return;
  }
  if (value.size() > limits::kMaxSharedWallets) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxSharedWallets) +
                           " shared wallets, got " + std::to_string(value.size()));
    ctx.shared_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    SharedWallet shared;
    shared.source = ctx.source(element);
    decode_object(ctx, value[i], element, kSharedWalletFields, shared);
    if (shared.id.empty()) {
      ctx.shared_complete = false;
      continue;
    }
    const auto [first, inserted] = ctx.shared_owner.emplace(shared.id, element);
    if (!inserted) {
      ctx.error(pointer_child(element, "id"), "duplicate shared wallet id " + quote(shared.id) +
                                                  "; first defined at " + first->second);
      continue;
    }
    sc.shared_wallet_index.emplace(shared.id, sc.shared_wallets.size());
    ctx.shared_ids.push_back(shared.id);
    sc.shared_wallets.push_back(std::move(shared));
  }
}
}  // namespace connsim::scenarios::decode
