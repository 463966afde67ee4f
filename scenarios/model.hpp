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

#include "store/clock.hpp"
#include "store/connection_service.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/types.hpp"

namespace connsim::scenarios {

using store::Duration;

/// Where a model element came from, for messages: its JSON pointer ("/timeline/3") and the
/// 1-based line and column of its first character in `Scenario::source_file`.
struct SourceRef {
  std::string pointer;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// --- values -------------------------------------------------------------------------------------

/// One-way delay: a time.
struct FixedLatency {
  Duration delay = Duration::zero();
};
/// Log-normal one-way delay with the given median and 99th percentile (p99 >= median > 0).
struct LogNormalLatency {
  Duration median = Duration::zero();
  Duration p99 = Duration::zero();
};
/// Uniform one-way delay in [min, max] (min <= max).
struct UniformLatency {
  Duration min = Duration::zero();
  Duration max = Duration::zero();
};
using LatencySpec = std::variant<FixedLatency, LogNormalLatency, UniformLatency>;

/// RFC 4787 mapping behaviour.
enum class NatMapping { endpoint_independent, address_dependent, address_and_port_dependent };
/// RFC 4787 filtering behaviour.
enum class NatFiltering { endpoint_independent, address_dependent, address_and_port_dependent };

inline constexpr Duration kDefaultNatMappingTimeout = std::chrono::minutes(2);

/// A concrete NAT (or none).
struct NatBehavior {
  bool is_public = true;  // "none": a public address, mapping/filtering unused
  NatMapping mapping = NatMapping::endpoint_independent;
  NatFiltering filtering = NatFiltering::endpoint_independent;
  /// An idle UDP mapping expires after this (object form's `mapping_timeout`).
  Duration mapping_timeout = kDefaultNatMappingTimeout;
  /// "none", "full-cone", "restricted-cone", "port-restricted-cone", "symmetric", or for the
  /// object form "<mapping>/<filtering>" (e.g. "endpoint-independent/address-dependent").
  std::string label = "none";
};

struct NatMixEntry {
  NatBehavior nat;
  double weight = 0;  // > 0 (entries of weight 0 are dropped by the loader)
};
/// `{"mix": {...}}`: each wallet draws one entry with probability weight / sum of weights, from
/// the seed, in the runner. Entries are sorted by their name (the JSON key).
struct NatMix {
  std::vector<NatMixEntry> entries;
};
using NatSpec = std::variant<NatBehavior, NatMix>;

// --- network ------------------------------------------------------------------------------------

enum class RelayImplementation { go, js };

/// How a relay counts `circuit_bytes`.
enum class CircuitByteCounting {
  per_direction,    // go: each direction may carry circuit_bytes
  both_directions,  // js: one counter for both directions, handshake and framing included
};

struct Relay {
  std::string id;
  RelayImplementation implementation = RelayImplementation::go;
  /// Extra one-way delay on every hop to or from this relay, added to the network's.
  LatencySpec latency = FixedLatency{};
  int max_reservations = 128;                      // js: 15
  Duration reservation_ttl = std::chrono::hours(1);  // js: 2h
  /// go: a reservation ends when its wallet disconnects; js: the slot stays taken until its TTL.
  bool reservation_ends_on_disconnect = true;
  CircuitByteCounting circuit_byte_counting = CircuitByteCounting::per_direction;
  Duration circuit_duration = std::chrono::minutes(2);  // 0 = no limit
  std::uint64_t circuit_bytes = 131072;                 // 0 = no limit
  SourceRef source;
};

struct BootstrapOptions {
  Duration peer_exchange_interval = std::chrono::seconds(10);  // > 0
  Duration first_peer_exchange = std::chrono::seconds(2);
};

struct IceOptions {
  Duration check_interval = std::chrono::milliseconds(200);  // > 0
  Duration failed_timeout = std::chrono::seconds(30);
};

/// Which network model carries the run (connsim extension; --backend overrides).
enum class Backend { message, packet };

struct NetworkSpec {
  Backend backend = Backend::message;
  /// Link speed of every host's link in the packet backend (the message model ignores it);
  /// none: unlimited, no serialization delay, so latencies mean the same on both backends.
  std::optional<double> bandwidth_mbps;
  LatencySpec latency = FixedLatency{std::chrono::milliseconds(40)};
  double loss = 0;  // 0..1
  std::vector<Relay> relays;
  BootstrapOptions bootstrap;
  IceOptions ice;
  Duration dial_timeout = std::chrono::seconds(10);
  Duration address_dial_timeout = std::chrono::seconds(6);
  /// Time for the far end to notice a closed connection.
  Duration close_detection = std::chrono::seconds(1);
  Duration presence_ttl = std::chrono::hours(1);
  /// Each online wallet re-advertises its presence at this interval; 0 = never.
  Duration readvertise_interval = Duration::zero();
};

// --- wallets ------------------------------------------------------------------------------------

enum class RelayReconnectKind {
  none,        // a lost reservation is not renewed until the wallet reloads (js-libp2p default)
  keep_alive,  // redial about 0, 1, 3, 7, 15 and 31 s after the loss, then give up
  interval,    // redial each lost relay every `RelayReconnect::interval` until it holds one again
};
struct RelayReconnect {
  RelayReconnectKind kind = RelayReconnectKind::none;
  Duration interval = Duration::zero();  // > 0 for `interval`, else zero
};

/// The wallet's stores, decoded from `store`. Defaults are the seed's production values.
struct WalletStoreOptions {
  store::P2PStoreOptions p2p;
  store::ConnectionServiceOptions connection;
  store::Musig2StoreOptions musig2;
};

/// The wallet's SDK (below the stores).
struct SdkOptions {
  /// Field bug 2: the SDK's broadcast skips relay-circuit connections.
  bool broadcast_skips_relay = true;
};

struct Wallet {
  std::string id;       // after expansion: "<group>-<k>"
  std::string peer_id;  // default: the id
  std::optional<std::string> nickname;
  NatSpec nat = NatBehavior{};
  std::vector<std::string> relays;  // relay ids, in order; default: every relay of the network
  bool webrtc = true;
  Duration online_at = Duration::zero();
  /// Added to the network's latency on every hop from or to this wallet.
  LatencySpec access_latency = FixedLatency{};
  RelayReconnect relay_reconnect;
  int inbound_limit = 5;  // new inbound connections accepted per second per remote host
  WalletStoreOptions store;
  SdkOptions sdk;
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
  std::optional<LatencySpec> latency;  // at least one of the two is set
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

inline std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::connect: return "connect";
    case ActionKind::connect_many: return "connect_many";
    case ActionKind::propose_spend: return "propose_spend";
    case ActionKind::go_offline: return "go_offline";
    case ActionKind::go_online: return "go_online";
    case ActionKind::reload: return "reload";
    case ActionKind::relay_down: return "relay_down";
    case ActionKind::relay_up: return "relay_up";
    case ActionKind::partition: return "partition";
    case ActionKind::heal: return "heal";
    case ActionKind::drop_connection: return "drop_connection";
    case ActionKind::nat_rebind: return "nat_rebind";
    case ActionKind::set_network: return "set_network";
  }
  return "?";
}

inline std::string_view to_string(Metric metric) {
  switch (metric) {
    case Metric::connect_success_rate: return "connect_success_rate";
    case Metric::first_attempt_success_rate: return "first_attempt_success_rate";
    case Metric::connect_time_p50: return "connect_time_p50";
    case Metric::connect_time_p90: return "connect_time_p90";
    case Metric::connect_time_p99: return "connect_time_p99";
    case Metric::share_webrtc: return "share_webrtc";
    case Metric::share_relay: return "share_relay";
    case Metric::share_direct: return "share_direct";
    case Metric::spend_success_rate: return "spend_success_rate";
    case Metric::connections_per_sim_second: return "connections_per_sim_second";
  }
  return "?";
}

inline std::string_view to_string(Getter getter) {
  switch (getter) {
    case Getter::connected_online_peer_count: return "connected_online_peer_count";
    case Getter::is_peer_connected: return "is_peer_connected";
    case Getter::peer_status: return "peer_status";
  }
  return "?";
}

inline std::string_view to_string(RelayImplementation implementation) {
  return implementation == RelayImplementation::go ? "go" : "js";
}

inline std::string_view to_string(NatMapping mapping) {
  switch (mapping) {
    case NatMapping::endpoint_independent: return "endpoint-independent";
    case NatMapping::address_dependent: return "address-dependent";
    case NatMapping::address_and_port_dependent: return "address-and-port-dependent";
  }
  return "?";
}

inline std::string_view to_string(NatFiltering filtering) {
  switch (filtering) {
    case NatFiltering::endpoint_independent: return "endpoint-independent";
    case NatFiltering::address_dependent: return "address-dependent";
    case NatFiltering::address_and_port_dependent: return "address-and-port-dependent";
  }
  return "?";
}

inline std::string_view to_string(EventsMode mode) {
  return mode == EventsMode::subsequence ? "subsequence" : "exact";
}

}  // namespace connsim::scenarios
