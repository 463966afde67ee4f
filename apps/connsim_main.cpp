// The `connsim` command (contract: scenario-format.md). Each subcommand lives in its own
// <name>_command.cpp; this file registers them in the order `connsim --help` lists them:
//   connsim run FILE|DIR...         run scenarios and check their expectations
//   connsim check FILE|DIR...       validate without running
//   connsim crosscheck FILE|DIR...  both backends; outcomes must be equal
//   connsim conform FILE|DIR...     the C++ and the JavaScript store; what they did must be equal
//   connsim sweep FILE              one scenario over a grid of store options x seeds
//   connsim merge SHARD...          join the outputs of a sharded sweep or run (--shard I/N)
//   connsim schema                  the JSON Schema of the scenario format (for editors)
//   connsim explore SPACE           random scenarios from a space, properties, shrunk findings
//   connsim live-cleanup            remove what crashed live runs left (namespaces, processes)
// Exit status (every command): 0 passed / valid / done, 1 a failure, 2 invalid input.
#include <CLI/CLI.hpp>
#include <vector>

#include "apps/command.hpp"

int main(int argc, char** argv) {
  using namespace connsim::apps;
  CLI::App app{"connsim: a deterministic simulator for the Lotus wallet's P2P connection layer"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "connsim 0.1.0");
  const std::vector<Command> commands{add_run_command(app), add_check_command(app),
                                      add_crosscheck_command(app), add_conform_command(app),
                                      add_sweep_command(app), add_merge_command(app),
                                      add_schema_command(app), add_explore_command(app),
                                      add_live_cleanup_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitPass : kExitInvalid;
  }
  for (const auto& command : commands) {
    if (command.subcommand->parsed()) return command.run();
  }
  return kExitInvalid;  // not reached: require_subcommand(1) makes parse() throw
}
