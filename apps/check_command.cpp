// `connsim check FILE|DIR...`: validates scenarios without running them.
// Exit status: 0 every input is valid, 2 any is invalid.
#include <iostream>
#include <memory>

#include "apps/command.hpp"

namespace connsim::apps {

Command add_check_command(CLI::App& app) {
  auto inputs = std::make_shared<std::vector<std::string>>();
  CLI::App* check = app.add_subcommand("check", "Validate scenarios without running them");
  add_inputs_option(*check, *inputs);
  return Command{check, [inputs] {
                   const auto scenarios = load_inputs(*inputs);
                   if (!scenarios) return kExitInvalid;
                   for (const auto& scenario : *scenarios) {
                     std::cout << "OK " << scenario.name << " (" << scenario.source_file << ")\n";
                   }
                   std::cout << scenarios->size() << " valid\n";
                   return kExitPass;
                 }};
}

}  // namespace connsim::apps
