// The typed model of a `connsim/1` scenario, as the loader (scenarios/loader.hpp) produces it:
// every default applied, every reference checked, `count` expanded, relay implementations
// resolved into numbers. Nothing here is random: a NAT `mix` is kept as weights and drawn by the
// runner from the seed. Meaning of every field: scenarios/FORMAT.md.
//
// Every time is a store::Duration (nanoseconds). Every id that refers to something (a wallet, a
// relay, a shared wallet, a step) is guaranteed by the loader to exist; the index maps of
// Scenario find it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/config.hpp"
#include "store/clock.hpp"
#include "store/connection_service.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/spelling.hpp"
#include "store/types.hpp"

namespace connsim::scenarios {

using store::Duration;
// The settings types the model reuses from the world (sim/config.hpp, sim/nat.hpp).
using sim::CircuitByteCounting;
using sim::LatencyModel;
using sim::NatBehaviour;
using sim::NatConfig;
using sim::RelayImplementation;
using sim::RelayReconnect;
using sim::SdkOptions;
using sim::WalletStoreOptions;

/// Where a model element came from, for messages: its JSON pointer ("/timeline/3") and the
/// 1-based line and column of its first character in `Scenario::source_file`.
struct SourceRef {
  std::string pointer;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// --- values -------------------------------------------------------------------------------------

struct NatMixEntry {
  sim::NatConfig nat;
  double weight = 0;  // > 0 (entries of weight 0 are dropped by the loader)
};
/// `{"mix": {...}}`: each wallet draws one entry with probability weight / sum of weights, from
/// the seed, in the runner. Entries are sorted by their name (the JSON key).
struct NatMix {
  std::vector<NatMixEntry> entries;
};
/// A wallet's NAT: one (public when NatConfig::public_host) or a mix to draw from.
using NatSpec = std::variant<sim::NatConfig, NatMix>;

// --- network ------------------------------------------------------------------------------------

/// A relay of the file: its settings (defaults and the go/js numbers in sim/config.hpp) and where
/// it was written.
struct Relay : sim::RelayConfig {
  SourceRef source;
};

/// Which network model carries the run (connsim extension; --backend overrides). `live`: real
/// libp2p nodes in network namespaces (connsim run/crosscheck --network live, docs/LIVE.md);
/// the simulating commands run a live file on the message model.
enum class Backend { message, packet, live };

/// `network`: the world's settings as the file gives them (defaults in sim/config.hpp).
struct NetworkSpec {
  Backend backend = Backend::message;
  /// Link speed of every host's link in the packet backend (the message model ignores it);
  /// none: unlimited, no serialization delay, so latencies mean the same on both backends.
  std::optional<double> bandwidth_mbps;
  sim::LinkConfig link;            // latency, loss
  sim::TransportConfig transport;  // dial_timeout, address_dial_timeout, close_detection
  sim::BootstrapConfig bootstrap;  // bootstrap.*, presence_ttl, readvertise_interval
  sim::IceConfig ice;
  std::vector<Relay> relays;
};

// --- wallets ------------------------------------------------------------------------------------

/// A wallet of the file: its settings (defaults in sim/config.hpp), its NAT as written (a mix is
/// drawn by the runner) and its relays by id.
struct Wallet : sim::WalletSettings {
  NatSpec nat = sim::NatConfig::none();
  std::vector<std::string> relays;  // relay ids, in order; default: every relay of the network
  /// The `id` written in the file when this wallet came from a `count`; empty otherwise.
  std::string group;
  int group_index = 0;  // 1..count within its group; 0 when not from a `count`
  SourceRef source;     // the wallet's object in the file
};

struct SharedWallet {
  std::string id;
  std::vector<std::string> participants;  // wallet ids, distinct, non-empty
  SourceRef source;
};

// --- timeline -----------------------------------------------------------------------------------

enum class ActionKind {
  connect,
  connect_many,
  propose_spend,
  go_offline,
  go_online,
  reload,
  relay_down,
  relay_up,
  partition,
  heal,
  drop_connection,
  nat_rebind,
  set_network,
};

inline constexpr std::string_view kDefaultRecipient = "recipient";
inline constexpr std::int64_t kDefaultAmountSats = 10000;

struct ConnectAction {
  std::string wallet;
  std::string peer;  // a wallet id; the store is given that wallet's peer_id
};
struct ConnectManyAction {
  std::string wallet;
  std::vector<std::string> peers;  // wallet ids, in order, repeats kept
};
struct ProposeSpendAction {
  std::string wallet;
  std::string shared_wallet;
  std::string recipient = std::string(kDefaultRecipient);
  std::int64_t amount_sats = kDefaultAmountSats;
};
struct GoOfflineAction {
  std::string wallet;
};
struct GoOnlineAction {
  std::string wallet;
};
struct ReloadAction {
  std::string wallet;
};
struct RelayDownAction {
  std::string relay;
  std::optional<Duration> for_duration;  // `for`: back up after this
};
struct RelayUpAction {
  std::string relay;
};
struct PartitionAction {
  /// Wallet and relay ids; a group id (a wallet with `count`) is expanded to its wallets.
  /// The two sides are disjoint and non-empty.
  std::array<std::vector<std::string>, 2> between;
  std::optional<Duration> for_duration;  // `for`: healed after this
};
struct HealAction {};
struct DropConnectionAction {
  std::string wallet;
  std::string peer;
};
struct NatRebindAction {
  std::string wallet;
};
struct SetNetworkAction {
  std::optional<sim::LatencyModel> latency;  // at least one of the two is set
  std::optional<double> loss;
};

using Action = std::variant<ConnectAction, ConnectManyAction, ProposeSpendAction, GoOfflineAction,
                            GoOnlineAction, ReloadAction, RelayDownAction, RelayUpAction,
                            PartitionAction, HealAction, DropConnectionAction, NatRebindAction,
                            SetNetworkAction>;

static_assert(std::variant_size_v<Action> == 13);
static_assert(std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(ActionKind::heal),
                                                        Action>,
                             HealAction>);
static_assert(
    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(ActionKind::set_network),
                                              Action>,
                   SetNetworkAction>);

/// `repeat`: the step runs at `at`, then every `every` (> 0) after it; `times` counts all runs
/// (the first included); without `times` it repeats until `until`.
struct Repeat {
  Duration every = Duration::zero();
  std::optional<std::uint64_t> times;
};

struct Step {
  Duration at = Duration::zero();
  std::optional<std::string> id;
  std::optional<Repeat> repeat;
  Action action;
  std::size_t index = 0;  // position in the timeline array (file order)
  SourceRef source;       // the step's object; source.pointer == "/timeline/<index>"

  ActionKind kind() const { return static_cast<ActionKind>(action.index()); }
};

// --- expectations -------------------------------------------------------------------------------

/// `{"status": {"wallet", "peer"}, "sequence", "connection_type"?, "within"?, "at"?}`
struct StatusExpectation {
  std::string wallet;
  std::string peer;  // a wallet id
  std::vector<store::ConnectionStatus> sequence;
  /// The last write's type; ConnectionType::none matches a write without a type.
  std::optional<store::ConnectionType> connection_type;
  std::optional<Duration> within;
  std::optional<Duration> at;  // consider only writes up to this time (default: the end)
};

struct EventPattern {
  std::optional<std::string> type;      // "info" | "peer_joined" | "error"
  std::optional<std::string> message;   // equal
  std::optional<std::string> contains;  // substring of the message
  std::optional<std::string> peer;      // a wallet id: the event's peer_id is its peer_id
};

enum class EventsMode { subsequence, exact };

/// `{"events": {"wallet"}, "sequence"?, "mode"?, "absent"?, "at"?}`: the wallet's activity events
/// (oldest first, up to `at`) contain `sequence` in order (or equal it, for `exact`), and no
/// event matches any pattern of `absent`. At least one of sequence/absent is given.
struct EventsExpectation {
  std::string wallet;
  std::vector<EventPattern> sequence;
  EventsMode mode = EventsMode::subsequence;
  std::vector<EventPattern> absent;
  std::optional<Duration> at;
};

/// `{"result": step_id, ...}` for a connect, connect_many or propose_spend step. For a repeated
/// step, the result of its last run.
struct ResultExpectation {
  std::string step;
  ActionKind step_kind = ActionKind::connect;
  std::optional<std::string> peer;  // connect_many only (required there): a wallet id of its peers
  std::optional<bool> success;
  std::optional<store::ConnectionType> connection_type;  // not for propose_spend
  std::optional<std::string> error;
  std::optional<std::string> error_contains;
};

enum class Getter { connected_online_peer_count, is_peer_connected, peer_status };

/// `equals` of the peer_status getter: the listed fields must match.
struct PeerStatusMatch {
  store::ConnectionStatus status = store::ConnectionStatus::disconnected;
  std::optional<store::ConnectionType> connection_type;  // none = no type
  std::optional<std::string> error;
};

/// `{"getter", "wallet", "peer"?, "equals", "at"?}`. `equals` holds a uint64_t for
/// connected_online_peer_count, a bool for is_peer_connected, a PeerStatusMatch for peer_status.
struct GetterExpectation {
  Getter getter = Getter::connected_online_peer_count;
  std::string wallet;
  std::optional<std::string> peer;  // required by is_peer_connected and peer_status
  std::variant<std::uint64_t, bool, PeerStatusMatch> equals;
  std::optional<Duration> at;  // default: the end of the run
};

enum class Metric {
  connect_success_rate,
  first_attempt_success_rate,
  connect_time_p50,
  connect_time_p90,
  connect_time_p99,
  share_webrtc,
  share_relay,
  share_direct,
  spend_success_rate,  // completed signing sessions / propose_spend step runs
  connections_per_sim_second,
};

/// Time metrics are compared in milliseconds; rates are in 0..1.
inline bool is_time_metric(Metric metric) {
  return metric == Metric::connect_time_p50 || metric == Metric::connect_time_p90 ||
         metric == Metric::connect_time_p99;
}

/// `{"metric", "at_least"?, "at_most"?}`: at least one bound. For a time metric the bounds are
/// in milliseconds (written as times in the file).
struct MetricExpectation {
  Metric metric = Metric::connect_success_rate;
  std::optional<double> at_least;
  std::optional<double> at_most;
};

/// `{"session": step_id, "state", "within"?}`: the signing session started by a propose_spend
/// step (its last run) reached `state` (completed or failed), within `within` of the run's start.
struct SessionExpectation {
  std::string step;
  store::SessionState state = store::SessionState::completed;
  std::optional<Duration> within;
};

using ExpectationBody = std::variant<StatusExpectation, EventsExpectation, ResultExpectation,
                                     GetterExpectation, MetricExpectation, SessionExpectation>;

struct Expectation {
  ExpectationBody body;
  std::size_t index = 0;  // position in the `expect` array
  SourceRef source;       // source.pointer == "/expect/<index>"
};

// --- the scenario -------------------------------------------------------------------------------

inline constexpr std::string_view kFormat = "connsim/1";

struct Scenario {
  std::string source_file;  // as given to the loader
  std::string format = std::string(kFormat);
  std::string name;
  SourceRef name_source;  // where `name` is written (for "duplicate name" across a suite)
  std::string description;
  std::uint64_t seed = 1;
  Duration until = std::chrono::minutes(10);
  NetworkSpec network;
  std::vector<Wallet> wallets;  // `count` expanded, in file order
  std::vector<SharedWallet> shared_wallets;
  std::vector<Step> timeline;  // file order (the runner orders by `at`, stable)
  std::vector<Expectation> expectations;

  // Lookups by id, filled by the loader: index into the vectors above.
  std::map<std::string, std::size_t, std::less<>> wallet_index;
  std::map<std::string, std::size_t, std::less<>> relay_index;  // into network.relays
  std::map<std::string, std::size_t, std::less<>> shared_wallet_index;
  std::map<std::string, std::size_t, std::less<>> step_index;  // steps that have an id
  /// Group id (a wallet written with `count`) -> its wallets' indices, in order.
  std::map<std::string, std::vector<std::size_t>, std::less<>> wallet_groups;

  const Wallet* find_wallet(std::string_view id) const {
    auto it = wallet_index.find(id);
    return it == wallet_index.end() ? nullptr : &wallets[it->second];
  }
  const Relay* find_relay(std::string_view id) const {
    auto it = relay_index.find(id);
    return it == relay_index.end() ? nullptr : &network.relays[it->second];
  }
  const SharedWallet* find_shared_wallet(std::string_view id) const {
    auto it = shared_wallet_index.find(id);
    return it == shared_wallet_index.end() ? nullptr : &shared_wallets[it->second];
  }
  const Step* find_step(std::string_view id) const {
    auto it = step_index.find(id);
    return it == step_index.end() ? nullptr : &timeline[it->second];
  }
};

// --- spellings ----------------------------------------------------------------------------------
// Each enum's one table (store/spelling.hpp), which the loader, the schema, the reporters and
// sweep use.

inline constexpr auto kBackendSpellings = in_enum_order<Backend>("message", "packet", "live");
SpellingTable<kBackendSpellings> spellings(Backend);

inline constexpr auto kActionSpellings = in_enum_order<ActionKind>(
    "connect", "connect_many", "propose_spend", "go_offline", "go_online", "reload", "relay_down",
    "relay_up", "partition", "heal", "drop_connection", "nat_rebind", "set_network");
SpellingTable<kActionSpellings> spellings(ActionKind);

inline constexpr auto kEventsModeSpellings = in_enum_order<EventsMode>("subsequence", "exact");
SpellingTable<kEventsModeSpellings> spellings(EventsMode);

inline constexpr auto kGetterSpellings =
    in_enum_order<Getter>("connected_online_peer_count", "is_peer_connected", "peer_status");
SpellingTable<kGetterSpellings> spellings(Getter);

inline constexpr auto kMetricSpellings =
    in_enum_order<Metric>("connect_success_rate", "first_attempt_success_rate", "connect_time_p50",
                          "connect_time_p90", "connect_time_p99", "share_webrtc", "share_relay",
                          "share_direct", "spend_success_rate", "connections_per_sim_second");
SpellingTable<kMetricSpellings> spellings(Metric);

using connsim::to_string;

}  // namespace connsim::scenarios
