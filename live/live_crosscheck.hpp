// `connsim crosscheck --network live`: one scenario simulated and live, side by side. Per
// connect (matched by wallet, peer and position among that wallet's connects to that peer): the
// outcome and connection type on each side and the time difference. The outcomes differ when a
// connect's success or type differs, one side has a connect the other lacks, a signing session
// ends in another state, or an expectation holds on one side only.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/runner.hpp"

namespace connsim::live {

struct ConnectSideBySide {
  std::string wallet;
  std::string peer;
  std::size_t nth = 1;  // 1-based, among this wallet's connects to this peer
  std::optional<sim::ConnectRecord> simulated;
  std::optional<sim::ConnectRecord> live;
  bool same() const;
};

struct LiveCrossCheck {
  std::string name;
  bool simulated_passed = false;
  bool live_passed = false;
  std::vector<ConnectSideBySide> connects;
  std::vector<std::string> differences;  // empty: the outcomes are the same
  bool same() const { return differences.empty(); }
};

LiveCrossCheck compare_with_live(const scenarios::RunReport& simulated, const scenarios::RunReport& live);

/// The table: one line per connect, then "SAME <name>" or "DIFF <name>: <first difference>".
void write_live_crosscheck(std::ostream& out, const LiveCrossCheck& check);

}  // namespace connsim::live
