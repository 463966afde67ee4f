// Reporters: the console lines, JUnit XML, Chrome trace-event JSON (Perfetto) and --stats.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenarios/runner.hpp"

namespace connsim::scenarios {

/// `PASS <name>` or `FAIL <name>: <first failure>[ | <next failure>...]`, one line.
std::string console_line(const RunReport& report);
/// The failures' history slices and the rerun hint, for stderr. `run_options` are the options
/// of the command line that made the run other than the seed (e.g. " --network live --store
/// cpp"), each with a leading space: the hint carries them so that it reproduces that run.
std::string failure_details(const RunReport& report, const std::string& run_options = "");
/// `N passed, N failed`.
std::string summary_line(const std::vector<RunReport>& reports);

/// One JSON object on one line: name, seed, events, connect_attempts, connections,
/// sim_seconds, wall_seconds, peak_rss_kb, fingerprint (and a few more counters).
std::string stats_line(const RunReport& report);

/// nullopt when two runs of one scenario recorded the same history; else where they first
/// differ ("entry 12: <a> vs <b>", or the fingerprints when histories were not kept).
std::optional<std::string> first_divergence(const RunReport& a, const RunReport& b);

/// Where escaped text goes: an HTML page (the --html report, the sweep dashboard) or XML (JUnit).
enum class Markup { html, xml };

/// Text made safe in element content and quoted attribute values: & < > " ' become entities
/// (' is &#39; in HTML, &apos; in XML). For XML, control characters other than tab and newline,
/// which XML 1.0 forbids, become spaces; HTML keeps them.
std::string escape_markup(std::string_view text, Markup markup);

/// What a shard's JUnit says of its shard (`connsim run --shard I/N`): a testsuite property
/// connsim.shard "I/N" and connsim.scenarios, the unsharded run's scenario count, from which
/// `connsim merge` puts the testcases back in the unsharded order.
struct JunitShardNote {
  std::string shard;
  std::size_t scenarios = 0;
};

/// JUnit XML: one testsuite, one testcase per scenario, one failure per failed expectation;
/// with `shard`, the shard's properties first in the testsuite.
void write_junit(std::ostream& out, const std::vector<RunReport>& reports,
                 const JunitShardNote* shard = nullptr);

/// Chrome trace events: a process per scenario, a thread (track) per wallet, complete events
/// for connectToPresence and for each attempt (pass down the ladder), instants for status
/// writes, activity events and session states, and
/// global instants for faults and steps. Times in microseconds of virtual time.
void write_trace(std::ostream& out, const std::vector<RunReport>& reports);

}  // namespace connsim::scenarios
