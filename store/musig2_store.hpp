// Musig2Store: stores/musig2.ts of the seed (Task 3.3) plus the session it starts.
//
// Seed name -> C++ name:
//   sharedWallets               -> shared_wallets / add_shared_wallet
//   ensureParticipantsConnected -> ensure_participants_connected
//   proposeSpend                -> propose_spend
//
// After a successful proposeSpend the proposer coordinates a two-round MuSig2 signing session
// over the network, in a star around itself: session-proposal -> nonce (each participant) ->
// nonces-complete -> partial-sig (each participant) -> session-complete. Rounds time out after
// nonce_timeout / partial_sig_timeout, the whole session after session_timeout.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/clock.hpp"
#include "store/js_async.hpp"
#include "store/network.hpp"
#include "store/p2p_store.hpp"
#include "store/result_map.hpp"
#include "store/spelling.hpp"
#include "store/types.hpp"

namespace connsim::store {

inline constexpr std::string_view kSharedWalletNotFound = "Shared wallet not found";
inline constexpr std::string_view kConnectionFailed = "Connection failed";
inline constexpr std::string_view kConnectivityTimedOut = "Connectivity check timed out";
inline constexpr std::string_view kMusig2Protocol = "/lotus/musig2/1.0.0";

struct SharedWalletParticipant {
  std::optional<PeerId> peer_id;  // participants without a peer id are filtered out
  std::string public_key;
};

struct SharedWallet {
  std::string id;
  std::vector<SharedWalletParticipant> participants;
};

struct SpendProposalParams {
  std::string wallet_id;
  std::string recipient;
  std::int64_t amount_sats = 0;
};

struct ParticipantResult {
  bool success = false;
  std::optional<std::string> error;
  friend bool operator==(const ParticipantResult&, const ParticipantResult&) = default;
};

struct EnsureParticipantsResult {
  bool all_connected = false;
  ResultMap<ParticipantResult> results;
};

struct ProposeSpendResult {
  bool success = false;
  std::optional<std::string> session_id;
  std::optional<std::string> error;
};

enum class SessionState { proposed, collecting_nonces, signing, completed, failed };
inline constexpr auto kSessionStateSpellings =
    in_enum_order<SessionState>("proposed", "collecting_nonces", "signing", "completed", "failed");
SpellingTable<kSessionStateSpellings> spellings(SessionState);
std::string_view to_string(SessionState state);

struct SigningSession {
  std::string id;
  std::string wallet_id;
  PeerId coordinator;
  std::vector<PeerId> participants;  // every participant's peer id, the coordinator's included
  SessionState state = SessionState::proposed;
  std::vector<PeerId> nonces_from;
  std::vector<PeerId> partial_sigs_from;
  std::optional<std::string> failure;
  EpochMs created_at = 0;
  std::uint64_t generation = 0;  // distinguishes a session from a later one that reused its id
};

struct Musig2StoreOptions {
  /// The later session API: race the connection work against this; zero = no race (the seed).
  Duration connectivity_timeout = Duration::zero();
  /// Fix for field bug 8: stop the connection work when the race is lost. The shipped race
  /// never cancels it.
  bool cancel_on_timeout = false;
  /// Fix for field bug 7: accept a quorum (min_connected_participants, counting all others
  /// when zero) instead of requiring every participant.
  bool allow_partial_connectivity = false;
  int min_connected_participants = 0;
  /// Fix for field bug 9: session ids `pending-<ms>-<n>` instead of `pending-<ms>`.
  bool unique_session_ids = false;
  Duration nonce_timeout = std::chrono::seconds(60);
  Duration partial_sig_timeout = std::chrono::seconds(60);
  Duration session_timeout = std::chrono::minutes(5);
};

class Musig2Observer {
 public:
  virtual ~Musig2Observer() = default;
  virtual void on_session_state(const SigningSession& session) = 0;
};

class Musig2Store {
 public:
  Musig2Store(Executor executor, Network& network, Clock& clock, P2PStore& p2p,
              Musig2StoreOptions options = {});
  Musig2Store(const Musig2Store&) = delete;
  Musig2Store& operator=(const Musig2Store&) = delete;

  void set_observer(Musig2Observer* observer) { observer_ = observer; }

  void add_shared_wallet(SharedWallet wallet);
  const std::vector<SharedWallet>& shared_wallets() const { return shared_wallets_; }

  // The async actions run in JavaScript's order (store/js_async.hpp): start_* calls the action
  // through Pinia's wrapper, the Task versions do the same from Asio code as one macrotask.
  js::Promise<EnsureParticipantsResult> start_ensure_participants_connected(std::vector<PeerId> participants);
  js::Promise<ProposeSpendResult> start_propose_spend(SpendProposalParams params);
  Task<EnsureParticipantsResult> ensure_participants_connected(std::vector<PeerId> participants);
  Task<ProposeSpendResult> propose_spend(SpendProposalParams params);

  const std::map<std::string, SigningSession>& sessions() const { return sessions_; }
  const SigningSession* session(const std::string& id) const;
  std::uint64_t messages_sent() const { return messages_sent_; }
  std::uint64_t messages_failed() const { return messages_failed_; }

 private:
  const SharedWallet* find_wallet(const std::string& id) const;
  std::string new_session_id();
  void on_message(const PeerId& from, std::string_view protocol, std::string_view payload);
  void set_state(SigningSession& session, SessionState state, std::optional<std::string> failure = {});
  void send_to(const PeerId& peer, std::string payload);
  void start_timeouts(const std::string& session_id, std::uint64_t generation);
  /// Fails the session (that generation) after `delay` if it is still active and, when
  /// `while_in` is given, still in that round (a round timeout); nullopt: any active state.
  void fail_after(std::string session_id, std::uint64_t generation, Duration delay,
                  std::optional<SessionState> while_in, std::string reason);
  js::Promise<EnsureParticipantsResult> ensure_participants_connected_body(std::vector<PeerId> participants);
  js::Promise<ProposeSpendResult> propose_spend_body(SpendProposalParams params);
  /// `_ensureWithDeadline` (an action): ensureParticipantsConnected raced against the
  /// connectivity timeout.
  js::Promise<EnsureParticipantsResult> ensure_with_deadline_body(std::vector<PeerId> participants);

  Executor executor_;
  Network& network_;
  Clock& clock_;
  P2PStore& p2p_;
  Musig2StoreOptions options_;
  Musig2Observer* observer_ = nullptr;
  std::vector<SharedWallet> shared_wallets_;
  std::map<std::string, SigningSession> sessions_;
  std::uint64_t session_counter_ = 0;
  std::uint64_t messages_sent_ = 0;
  std::uint64_t messages_failed_ = 0;
};

}  // namespace connsim::store
