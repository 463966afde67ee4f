// Limits of the scenario loader: every bound an input file must respect, in one place. A file
// beyond any of them is invalid input (exit 2), never a crash, a hang or an exhausted machine.
// scenarios/FORMAT.md lists the same numbers for users.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "store/clock.hpp"

namespace connsim::scenarios::limits {

using store::Duration;

/// Size of one scenario file (a churn of 100,000 wallets, one step per session and a
/// connect_many each, is about 36 MB).
inline constexpr std::size_t kMaxFileBytes = 64u * 1024u * 1024u;
/// Nesting of arrays and objects. Checked before any parser runs.
inline constexpr std::size_t kMaxJsonDepth = 256;
/// JSON values (numbers, strings, literals, arrays, objects) in one file.
inline constexpr std::size_t kMaxJsonValues = 4'000'000;
/// Bytes of all JSON pointers the position map keeps (long keys nested deep repeat in every
/// pointer below them; ordinary files use a few bytes per value).
inline constexpr std::size_t kMaxPointerBytes = 128u * 1024u * 1024u;

/// Wallets after `count` expansion, summed over the file. What a run of that many needs depends
/// on its shape (presence is quadratic in the wallets online together): the commands estimate a
/// file's peak memory and refuse it when the machine cannot hold it (scenarios/memory_estimate.hpp);
/// a churn of 100,000 wallets in 4-minute sessions is estimated at about 10 GiB.
inline constexpr std::uint64_t kMaxWallets = 100'000;
/// Wallets coming online within one second times all wallets: presence deliveries in flight at
/// once (2,000 wallets joining together measured 624 MB; the memory estimate counts them too).
/// Stagger `online_at` to stay below.
inline constexpr std::uint64_t kMaxPresenceInFlight = 20'000'000;
inline constexpr std::size_t kMaxRelays = 1'000;
inline constexpr std::size_t kMaxSharedWallets = 10'000;
inline constexpr std::size_t kMaxTimelineSteps = 250'000;
inline constexpr std::size_t kMaxExpectations = 100'000;
/// Runs of timeline steps, `repeat` included, summed over the timeline (up to `until`); a run of
/// connect_many counts once per peer, of propose_spend once per participant. Each connect keeps
/// about 4 KB of records and history (measured: 1.08M connect runs took 4.9 GB); the memory
/// estimate counts them, so this bound only keeps a run's records near 4 GB.
inline constexpr std::uint64_t kMaxTimelineRuns = 1'000'000;
/// The same runs, each connect weighted by its wallet's retry.max_attempts (up to 1,000 passes
/// down the ladder, each leaving an attempt record and a history entry).
inline constexpr std::uint64_t kMaxTimelineAttempts = 4'000'000;
/// Wallet and relay ids the file expands to, summed: the relays of every wallet after `count`
/// (each member of a group copies its group's list), and every wallet a group id stands for in
/// `peers`, `participants` and partition sides. Without it a 20 KB file (1,000 relays and one
/// wallet with a count of 100,000) expands to 10^8 ids.
inline constexpr std::uint64_t kMaxExpandedIds = 2'000'000;
/// Work that a periodic activity schedules before `until`, estimated from the file: peer
/// exchange deliveries (ticks x wallets), re-advertisement deliveries (ticks x wallets^2), relay
/// redials (ticks x relays, per wallet with an interval). Each activity alone must stay below it.
inline constexpr std::uint64_t kMaxPeriodicEvents = 100'000'000;
/// ICE connectivity checks of one hole punch (failed_timeout / check_interval).
inline constexpr std::uint64_t kMaxIceChecks = 100'000;

/// Characters of an id (wallet, relay, shared wallet, step) and of a peer_id.
inline constexpr std::size_t kMaxIdLength = 128;

/// `until`.
inline constexpr Duration kMaxUntil = std::chrono::hours(24 * 30);
/// Any other time value.
inline constexpr Duration kMaxTime = std::chrono::hours(24 * 365);

inline constexpr int kMaxRetryAttempts = 1'000;
inline constexpr int kMaxConcurrencyLimit = 10'000;
inline constexpr int kMaxInboundLimit = 1'000'000;
inline constexpr int kMaxRelayReservations = 1'000'000;

/// Errors collected while loading one file; the rest are counted, not kept.
inline constexpr std::size_t kMaxCollectedErrors = 1'000;
/// Errors returned for one file (sorted by position); one more line says how many were left out.
inline constexpr std::size_t kMaxReportedErrors = 50;
/// Characters of input text (a key, an id, a string, nlohmann's "last read" token) that a message
/// quotes; longer text is cut and marked "...", so a hostile 10 MB key makes a short message.
inline constexpr std::size_t kMaxQuotedChars = 200;
/// Ids listed after "known:" in an unknown-reference message.
inline constexpr std::size_t kMaxListedIds = 10;

}  // namespace connsim::scenarios::limits
