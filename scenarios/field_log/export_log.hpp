// A field log made from a simulated run's typed history: what the wallet's exporter
// (js/store/export/field_log.ts) would have written, had it been attached to that wallet's
// stores from the start. For a wallet on the JavaScript store the exporter's own log is used
// instead (the runner asks it at the end); on a conforming scenario the two are the same, entry
// for entry.
//
// Entries: the wallet's status writes, activity events, connect results (connectToPresence) and
// session changes, in history order, each at floor(virtual time in ms) (the log starts with the
// run, so `started_at` is 0). The peers list names every peer the entries mention, in order of
// first mention, with the nickname its wallet advertises. No libp2p entries (optional in the
// format; the history does not record what the node tells the store).
#pragma once

#include <string>
#include <string_view>

#include "scenarios/field_log/field_log.hpp"
#include "scenarios/model.hpp"
#include "scenarios/runner.hpp"

namespace connsim::scenarios::field_log {

/// The log of wallet `wallet` (a wallet id of `scenario`) from `report`'s history, which must
/// have been kept.
FieldLog export_from_history(const Scenario& scenario, const RunReport& report, std::string_view wallet);

/// The peers of `entries` with the nicknames the scenario's wallets advertise.
std::vector<LogPeer> scenario_peers(const Scenario& scenario, const std::vector<LogEntry>& entries);

}  // namespace connsim::scenarios::field_log
