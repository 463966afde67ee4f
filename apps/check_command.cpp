// `connsim check FILE|DIR...`: validates scenarios without running them.
// Exit status: 0 every input is valid, 2 any is invalid.
#include <iostream>
#include <memory>

#include "apps/command.hpp"

namespace connsim::apps {

namespace {

int run_check(const std::vector<std::string>& inputs) {
  const auto loaded = load_inputs(inputs);
  if (!loaded) return kExitInvalid;
  for (const auto& scenario : *loaded) {
    std::cout << "OK " << scenario.name << " (" << scenario.source_file << ")\n";
  }
  std::cout << loaded->size() << " valid\n";
  return kExitPass;
}

/// The description and the options of `connsim check`.
void describe_check(CLI::App& check, std::vector<std::string>& inputs) {
  check.description("Validate scenarios without running them");
  add_inputs_option(check, inputs);
}

}  // namespace

Command add_check_command(CLI::App& app) {
  return add_command<std::vector<std::string>>(app, "check", describe_check, run_check);
}

}  // namespace connsim::apps
