// What both ICE implementations share (sim/ice.cpp, the fast model's; sim/packet/ice_agent.cpp,
// the packet backend's): candidate types, the state of one candidate pair, and the little
// helpers their reports use.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/nat.hpp"
#include "store/spelling.hpp"

namespace connsim::sim::ice {

enum class CandidateType { host, srflx, prflx };

inline constexpr auto kCandidateTypeSpellings =
    in_enum_order<CandidateType>("host", "srflx", "prflx");
SpellingTable<kCandidateTypeSpellings> spellings(CandidateType);

/// "host" | "srflx" | "prflx".
std::string_view to_string(CandidateType type);

/// A remote candidate, i.e. the pair (this agent's socket, that address), and its checks.
struct RemoteCandidate {
  Endpoint address;
  CandidateType type;
  int periodic_checks = 0;
  bool triggered = false;  // a check arrived from it: check it at the next tick
  bool succeeded = false;
};

/// Whether an agent's tick sends a check to `remote` now, and the bookkeeping of that choice:
/// never once the pair succeeded; always when a check arrived from it since the last tick (the
/// triggered check, which clears the flag and does not count); otherwise a periodic check while
/// fewer than `max_periodic_checks` were sent (0: no cap), counting it.
bool take_check_turn(RemoteCandidate& remote, int max_periodic_checks);

/// The candidate at `address`, or null.
RemoteCandidate* find_candidate(std::vector<RemoteCandidate>& remotes, Endpoint address);
/// Appends a candidate unless one at `address` is known already (it keeps its type).
void add_candidate(std::vector<RemoteCandidate>& remotes, Endpoint address, CandidateType type);

/// "70 ms", "70.04 ms": milliseconds with up to three decimals, trailing zeros dropped.
std::string format_ms(Duration d);

/// A splitmix64 step: derives independent seeds from one.
std::uint64_t mix(std::uint64_t x);

}  // namespace connsim::sim::ice
