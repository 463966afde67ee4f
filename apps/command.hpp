// What every `connsim` command shares: the exit statuses (the contract of
// scenario-format.md), the options several commands take, loading their inputs, and the
// registration of each command on the `connsim` app (one file per command: <name>_command.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/sweep/shard.hpp"
#include "scenarios/model.hpp"
#include "store/spelling.hpp"

namespace connsim::apps {

/// The exit status of every command: 0 all passed (valid, the same, done), 1 an expectation, a
/// comparison or a worker failed, 2 invalid input (then nothing runs).
enum ExitStatus : int { kExitPass = 0, kExitFail = 1, kExitInvalid = 2 };

/// A command registered on the `connsim` app: its subcommand, and what runs when the command
/// line chose it (after parsing; returns the exit status).
struct Command {
  CLI::App* subcommand = nullptr;
  std::function<int()> run;
};

Command add_run_command(CLI::App& app);
Command add_check_command(CLI::App& app);
Command add_crosscheck_command(CLI::App& app);
Command add_conform_command(CLI::App& app);
Command add_sweep_command(CLI::App& app);
Command add_schema_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_explore_command(CLI::App& app);
Command add_live_cleanup_command(CLI::App& app);

/// Registers subcommand `name`, whose command line fills one `Options` record: `describe` gives
/// the subcommand its description and declares its options into the record, and the Command runs
/// `run` on the record as parsed. The record lives as long as the Command.
template <class Options>
Command add_command(CLI::App& app, const std::string& name,
                    const std::function<void(CLI::App&, Options&)>& describe,
                    std::function<int(const Options&)> run) {
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(name);
  describe(*command, *options);
  return Command{command, [options, run = std::move(run)] { return run(*options); }};
}

/// The required positional `inputs`: scenario files or directories.
CLI::Option* add_inputs_option(CLI::App& command, std::vector<std::string>& inputs,
                               const std::string& help = "Scenario files or directories");

/// An option whose value is one of E's words (its spelling table, store/spelling.hpp): help
/// and errors list the words, and `target` receives the value they spell.
template <class E>
CLI::Option* add_spelled_option(CLI::App& command, const std::string& name,
                                std::optional<E>& target, const std::string& help) {
  std::vector<std::string> words;
  for (const Spelling<E>& entry : spelling_table<E>()) words.emplace_back(entry.text);
  return command
      .add_option_function<std::string>(
          name, [&target](const std::string& text) { target = parse_spelling<E>(text); }, help)
      ->check(CLI::IsMember(words));
}

/// Accepts only a decimal uint64 (CLI11 alone wraps "-1" to 2^64-1 and saturates 10^30).
CLI::Validator uint64_text();

/// `--shard I/N` (apps/sweep/shard.hpp has the split rule): run only shard I of N of the
/// command's items. A value that is not I/N with 1 <= I <= N is refused when parsing (exit 2).
CLI::Option* add_shard_option(CLI::App& command, std::optional<sweep::Shard>& shard);

/// Loads every input (a directory: every *.json in it, sorted) and checks that the scenario
/// names are unique. On any error prints every error and "N invalid input(s); nothing was run"
/// to stderr and returns nothing.
std::optional<std::vector<scenarios::Scenario>> load_inputs(const std::vector<std::string>& inputs);

/// Writes `path` (truncating) with `write`; says so on stderr and returns false when it cannot.
bool write_file(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace connsim::apps
