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

// The words both reports use for an attempt's two agents. `Agents`: a range of agents, each with
// `name` (a char), `remotes` (RemoteCandidate) and `selected` (the index of its selected pair).

/// "connected in <elapsed>:" and, for each agent, " <name> -> <address> (<type>);" of the pair
/// it selected (every agent has selected one).
template <class Agents>
std::string connected_text(Duration elapsed, const Agents& agents) {
  std::string text = "connected in " + format_ms(elapsed) + ":";
  for (const auto& agent : agents) {
    const RemoteCandidate& pair = agent.remotes[*agent.selected];
    text += std::string(" ") + agent.name + " -> " + to_string(pair.address) + " (" +
            std::string(to_string(pair.type)) + ");";
  }
  return text;
}

/// Why two agents did not connect, as far as their pairs tell: "only A had a succeeded pair;"
/// (the first agent's name if it selected a pair, else the second's) or "no pair succeeded;".
template <class Agents>
std::string unconnected_text(const Agents& agents) {
  if (agents[0].selected || agents[1].selected) {
    return std::string("only ") + (agents[0].selected ? 'A' : 'B') + " had a succeeded pair;";
  }
  return "no pair succeeded;";
}

/// A splitmix64 step: derives independent seeds from one.
std::uint64_t mix(std::uint64_t x);

}  // namespace connsim::sim::ice
