// The memory model: a run's peak memory (resident set) estimated from the scenario's shape before
// anything runs, so that a file the machine cannot hold is refused (exit 2, one line with the
// estimate and the limit) instead of ending in std::bad_alloc or the kernel's OOM killer.
//
// Peak memory is dominated by presence: every advertisement reaches every wallet online (and a
// joining wallet is handed every live record), each store keeps an onlinePeers entry per peer it
// heard of for the rest of the run (a store outlives its wallet's session: its state is read at
// the end), and each delivery is a kernel event while it travels. So the model is linear in four
// counts taken from the file (MemoryShape) with coefficients fitted to measured runs of the
// message backend (kMemoryModel; the measurements are in bench/RESULTS.md §10). It is an estimate,
// meant to err high; the packet backend costs more per wallet and is not modelled separately.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/model.hpp"

namespace connsim::scenarios {

/// The counts that drive a run's memory, from the file alone.
struct MemoryShape {
  double wallets = 0;  // after `count` expansion
  /// onlinePeers entries all stores hold at the end: for each wallet, the peers whose
  /// advertisement reaches it while it is online (or is still live when it joins), plus a full set
  /// per reload (a reloaded page starts a new store; the old one is kept).
  double presence_entries = 0;
  /// Presence deliveries travelling at once, at most: the most wallets joining within one second
  /// times twice the wallets online then (each join is handed the live records and its
  /// advertisement goes to everyone online).
  double presence_in_flight = 0;
  /// Timeline runs before `until`, weighted as the timeline budget weighs them (a connect_many
  /// once per peer, ...): each leaves records and history entries.
  double timeline_runs = 0;
};

/// Bytes per unit of each count, and what any run costs.
struct MemoryModel {
  double base_bytes = 0;
  double bytes_per_wallet = 0;
  double bytes_per_presence_entry = 0;
  double bytes_per_delivery_in_flight = 0;
  double bytes_per_timeline_run = 0;
};

/// Fitted to peak RSS measured on this machine (bench/RESULTS.md §10: swarm, churn and burst runs
/// of 1,000 to 10,000 wallets, message backend, jemalloc), each coefficient rounded up. Deliveries
/// in flight are weighted lightly: their memory is reused by the entries they create, and the
/// count is an upper bound.
inline constexpr MemoryModel kMemoryModel{
    .base_bytes = 24.0 * 1024 * 1024,
    .bytes_per_wallet = 12.0 * 1024,
    .bytes_per_presence_entry = 136,
    .bytes_per_delivery_in_flight = 16,
    .bytes_per_timeline_run = 4096,
};

/// When a wallet is online, as far as presence goes (nanoseconds from the start): from its first
/// join to the moment it leaves for good (`until` when it may come back: a go_online or reload
/// step names it), and when it last advertises (its join; its end when it re-advertises, comes
/// back or reloads).
struct OnlineWindow {
  double start = 0;
  double end = 0;
  double last_advertised = 0;
};

/// Each wallet's window, by index; nullopt for a wallet never online before `until`.
std::vector<std::optional<OnlineWindow>> online_windows(const Scenario& sc);

/// The counts of `sc` (a loaded scenario).
MemoryShape memory_shape(const Scenario& sc);

/// The model's estimate of peak memory, in bytes.
double estimate_peak_bytes(const MemoryShape& shape, const MemoryModel& model = kMemoryModel);

/// A byte size as a user writes it: an integer or decimal number with an optional unit K, M, G, T
/// (powers of 1024; "KiB", "MB", "g" and so on are the same), e.g. "512M", "1.5G", "1000000".
/// nullopt for anything else, zero, or more than 2^63 bytes.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

/// "312 MiB", "4.2 GiB": bytes in binary units, three significant figures.
std::string format_bytes(double bytes);

/// MemAvailable of a /proc/meminfo text, in bytes; nullopt when it is not there.
std::optional<std::uint64_t> mem_available_from_meminfo(std::string_view meminfo);

/// The refusal of a run of `sc` when its estimate (times `processes` running at once) exceeds
/// `limit_bytes`, as one line naming the file, the estimate and the limit (`limit_source` says
/// where the limit comes from); nullopt when it fits.
std::optional<std::string> memory_refusal(const Scenario& sc, std::uint64_t limit_bytes,
                                          std::string_view limit_source, unsigned processes = 1);

}  // namespace connsim::scenarios
