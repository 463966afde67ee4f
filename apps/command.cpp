#include "apps/command.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "scenarios/loader.hpp"

namespace connsim::apps {

CLI::Option* add_inputs_option(CLI::App& command, std::vector<std::string>& inputs,
                               const std::string& help) {
  return command.add_option("inputs", inputs, help)->required();
}

CLI::Validator uint64_text() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [at, error] = std::from_chars(text.data(), end, value);
        if (text.empty() || error != std::errc() || at != end) {
          return "expected an integer from 0 to 18446744073709551615, got \"" + text + "\"";
        }
        return "";
      },
      "UINT64");
}

CLI::Option* add_shard_option(CLI::App& command, std::optional<sweep::Shard>& shard) {
  auto* option = command.add_option_function<std::string>(
      "--shard",
      [&shard](const std::string& text) {
        std::string error;
        shard = sweep::parse_shard(text, error);
      },
      "Do only shard I of N (1 <= I <= N): item k of the unsharded order is shard (k mod N)+1's; "
      "`connsim merge` joins the shards' outputs");
  option->type_name("I/N");
  option->check(CLI::Validator(
      [](std::string& text) {
        std::string error;
        return sweep::parse_shard(text, error) ? std::string() : error;
      },
      "I/N"));
  return option;
}

std::optional<std::vector<scenarios::Scenario>> load_inputs(
    const std::vector<std::string>& inputs) {
  std::vector<scenarios::LoadError> errors;
  const std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const auto files = scenarios::expand_inputs(paths, errors);
  std::vector<scenarios::Scenario> loaded;
  for (const auto& file : files) {
    scenarios::LoadResult result = scenarios::load_scenario_file(file);
    if (result.ok()) {
      loaded.push_back(std::move(result.scenario()));
    } else {
      for (const auto& error : result.errors()) errors.push_back(error);
    }
  }
  std::vector<const scenarios::Scenario*> named;
  for (const auto& scenario : loaded) named.push_back(&scenario);
  for (auto& error : scenarios::check_unique_names(named)) errors.push_back(std::move(error));
  if (!errors.empty()) {
    for (const auto& error : errors) std::cerr << error.to_string() << "\n";
    std::cerr << errors.size() << " invalid input" << (errors.size() == 1 ? "" : "s")
              << "; nothing was run\n";
    return std::nullopt;
  }
  return loaded;
}

bool write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    std::cerr << "connsim: cannot write " << path << "\n";
    return false;
  }
  write(out);
  return static_cast<bool>(out);
}

}  // namespace connsim::apps
