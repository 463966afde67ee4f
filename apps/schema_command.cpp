// `connsim schema`: prints the JSON Schema (draft 2020-12) of the scenario format, generated from
// the loader's key tables (scenarios::scenario_schema), so that editors validate and complete
// scenario files as they are typed. A file names it with a top-level "$schema" key.
// Exit status: 0.
#include <iostream>

#include "apps/command.hpp"
#include "scenarios/loader.hpp"

namespace connsim::apps {

namespace {

int print_schema() {
  std::cout << scenarios::scenario_schema().dump(2) << "\n";
  return kExitPass;
}

}  // namespace

Command add_schema_command(CLI::App& app) {
  CLI::App* schema = app.add_subcommand(
      "schema", "Print the JSON Schema of the scenario format (for editors: \"$schema\" in a file)");
  return Command{schema, print_schema};
}

}  // namespace connsim::apps
