// `connsim live-cleanup`: removes what live runs that did not end cleanly left behind (their
// network namespaces, with every process and nftables rule in them). A run whose conductor is
// still alive is left alone. Exit 0 done, 2 not root or the live mode is not installed.
#include <iostream>

#include "apps/command.hpp"
#include "live/live_runner.hpp"

namespace connsim::apps {

Command add_live_cleanup_command(CLI::App& app) {
  CLI::App* cleanup = app.add_subcommand(
      "live-cleanup", "Remove the namespaces and processes that crashed live runs left behind (root)");
  return Command{cleanup, [] { return live::live_cleanup(std::cout, std::cerr); }};
}

}  // namespace connsim::apps
