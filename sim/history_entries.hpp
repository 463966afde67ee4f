// The typed details of history entries: one struct per thing the world records, with the
// fields it is about (wallet, peer, relay, connection, attempt number, ...) and its reasons as
// enums. A detail is rendered to text (sim/history.cpp) only for the fingerprint, logs and
// reports; code that reads the history reads these fields, never the text.
//
// Rendering contract: each struct renders to exactly the subject and detail text the history
// has always carried (its comment shows the text), so fingerprints do not change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "sim/latency.hpp"
#include "store/musig2_store.hpp"
#include "store/spelling.hpp"
#include "store/types.hpp"

namespace connsim::sim {

// --- kinds --------------------------------------------------------------------------------------

enum class HistoryKind {
  step,             // a timeline step ran
  status,           // a store wrote a peer's connection status
  event,            // a store added an activity event
  attempt,          // one pass down the ladder finished
  connect,          // connectToPresence finished
  connection_open,  // a connection opened between two hosts
  connection_close, // a connection closed (the entry names the cause)
  reservation,      // a relay reservation was made, refused or lost
  presence,         // a wallet advertised its presence
  fault,            // an injected fault (tagged with the step that caused it)
  session,          // a signing session changed state
  lifecycle,        // a wallet went online/offline/reloaded
};

/// The one spelling of each kind (a history line's second word; hashed).
inline constexpr auto kHistoryKindSpellings =
    in_enum_order<HistoryKind>("step", "status", "event", "attempt", "connect", "open", "close",
                               "reservation", "presence", "fault", "session", "lifecycle");
SpellingTable<kHistoryKindSpellings> spellings(HistoryKind);

// --- reasons ------------------------------------------------------------------------------------

/// What happened to a wallet's process or its place on the network.
enum class LifecycleChange { online, offline, reload };

inline constexpr auto kLifecycleChangeSpellings =
    in_enum_order<LifecycleChange>("online", "offline", "reload");
SpellingTable<kLifecycleChangeSpellings> spellings(LifecycleChange);

/// How a reservation attempt ended, or that a held reservation was lost.
enum class ReservationOutcome {
  reserved,
  timed_out,           // the relay was unreachable or the exchange missed the dial timeout
  connection_refused,  // the relay's host answered but the relay was down
  connection_reset,    // the relay went down or away during the exchange
  slots_full,          // RESERVATION_REFUSED: every slot taken
  lost,                // a reservation held until now was lost
};

/// Each outcome's words (slots_full and lost say more: see ReservationChanged).
inline constexpr auto kReservationOutcomeSpellings = in_enum_order<ReservationOutcome>(
    "reserved", "failed (Connection timeout)", "failed (Connection refused)",
    "failed (Connection reset)", "refused", "lost");
SpellingTable<kReservationOutcomeSpellings> spellings(ReservationOutcome);

using connsim::to_string;


// --- details, one per thing recorded -------------------------------------------------------------
// `cause` fields hold the cause as the world was given it ("step <id>", "relay down", ...).

/// "step <id or #index> <action>"
struct StepRan {
  static constexpr HistoryKind kKind = HistoryKind::step;
  std::optional<std::string> id;
  std::size_t index = 0;
  std::string_view action;  // a static spelling (the scenario's action table)
};

/// "status <wallet> <peer> <status>[ <type>][ (<error>)]"
struct StatusWritten {
  static constexpr HistoryKind kKind = HistoryKind::status;
  std::string wallet;
  store::PeerId peer;
  store::PeerConnectionStatus status;
};

/// "event <wallet> <type> <message>"
struct EventAdded {
  static constexpr HistoryKind kKind = HistoryKind::event;
  std::string wallet;
  std::string type;
  std::string message;
};

/// "attempt <wallet> <peer> #<attempt> <type, or the error (empty when none)>"
struct AttemptFinished {
  static constexpr HistoryKind kKind = HistoryKind::attempt;
  std::string wallet;
  store::PeerId peer;
  int attempt = 1;
  store::ConnectResult result;
};

/// "connect <wallet> <peer> ok <type>" or "connect <wallet> <peer> failed <error>"
struct ConnectFinished {
  static constexpr HistoryKind kKind = HistoryKind::connect;
  std::string wallet;
  store::PeerId peer;
  store::ConnectResult result;
};

/// "open <dialer> #<connection> <type> to <listener>[ via <relay>]"
struct ConnectionOpened {
  static constexpr HistoryKind kKind = HistoryKind::connection_open;
  std::string dialer;
  std::uint64_t connection = 0;
  store::ConnectionType type = store::ConnectionType::none;
  std::string listener;
  std::optional<std::string> relay;
};

/// "close <dialer> #<connection> <type> to <listener> (<cause>)"
struct ConnectionClosed {
  static constexpr HistoryKind kKind = HistoryKind::connection_close;
  std::string dialer;
  std::uint64_t connection = 0;
  store::ConnectionType type = store::ConnectionType::none;
  std::string listener;
  std::string cause;
};

/// "reservation <wallet> <relay> <outcome>", where slots_full reads
/// "refused (RESERVATION_REFUSED: <slots> slots taken)" and lost reads "lost (<cause>)".
struct ReservationChanged {
  static constexpr HistoryKind kKind = HistoryKind::reservation;
  std::string wallet;
  std::string relay;
  ReservationOutcome outcome = ReservationOutcome::reserved;
  int slots = 0;      // slots_full: the relay's max_reservations
  std::string cause;  // lost: why
};

/// "presence <wallet> <relay_addrs> relay addrs[, webrtc]"
struct PresenceAdvertised {
  static constexpr HistoryKind kKind = HistoryKind::presence;
  std::string wallet;
  std::size_t relay_addrs = 0;
  bool webrtc = false;
};

/// "session <wallet> <session_id> <state>[ (<failure>)]"
struct SessionChanged {
  static constexpr HistoryKind kKind = HistoryKind::session;
  std::string wallet;
  std::string session_id;
  store::SessionState state = store::SessionState::proposed;
  std::optional<std::string> failure;
};

/// "lifecycle <wallet> online", "lifecycle <wallet> offline (<cause>)", "... reload (<cause>)"
struct LifecycleChanged {
  static constexpr HistoryKind kKind = HistoryKind::lifecycle;
  std::string wallet;
  LifecycleChange change = LifecycleChange::online;
  std::string cause;  // empty for online
};

// Faults (kind fault): what a step or the world injected.

/// "fault <relay> relay down (<cause>)" or "fault <relay> relay up (<cause>)"
struct RelaySwitched {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::string relay;
  bool up = false;
  std::string cause;
};

/// "fault network partition #<partition> (<cause>): <side_a hosts> | <side_b hosts>"
struct PartitionStarted {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::uint64_t partition = 0;
  std::vector<std::string> side_a;  // host names
  std::vector<std::string> side_b;
  std::string cause;
};

/// "fault network heal #<partition> (<cause>)", or "fault network heal all (<cause>)" when
/// every partition healed at once.
struct PartitionHealed {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::optional<std::uint64_t> partition;  // nullopt: all of them
  std::string cause;
};

/// "fault <wallet> drop connection to <peer> (<cause>)"
struct ConnectionDropped {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::string wallet;
  std::string peer;  // the other wallet's id
  std::string cause;
};

/// "fault <wallet> NAT rebind (<cause>)"
struct NatRebound {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::string wallet;
  std::string cause;
};

/// "fault network set network latency <latency> loss <loss as %f> (<cause>)"
struct NetworkChanged {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  LatencyModel latency;
  double loss = 0;
  std::string cause;
};

/// "fault <wallet> message to <target> skipped: relay-only connection"
struct MessageSkipped {
  static constexpr HistoryKind kKind = HistoryKind::fault;
  std::string wallet;
  std::string target;  // the receiving wallet's id
};

using HistoryDetail =
    std::variant<StepRan, StatusWritten, EventAdded, AttemptFinished, ConnectFinished, ConnectionOpened,
                 ConnectionClosed, ReservationChanged, PresenceAdvertised, SessionChanged, LifecycleChanged,
                 RelaySwitched, PartitionStarted, PartitionHealed, ConnectionDropped, NatRebound, NetworkChanged,
                 MessageSkipped>;

}  // namespace connsim::sim
