// The scenario loader: JSON text -> a checked, fully defaulted Scenario (scenarios/model.hpp), or
// the list of everything wrong with the input, each error located by file, line, column and JSON
// pointer. The contract is ../shared/docs/scenario-format.md; the full reference of the format,
// extensions and limits included, is scenarios/FORMAT.md.
//
// The loader never runs anything and never draws random numbers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scenarios/model.hpp"

namespace connsim::scenarios {

/// One invalid-input finding. `line`/`column` are 1-based (1:1 when the file cannot be read or
/// the finding concerns the whole file); `pointer` is the JSON pointer of the bad value, "" for
/// the whole document.
struct LoadError {
  std::string file;
  std::uint32_t line = 1;
  std::uint32_t column = 1;
  std::string pointer;
  std::string message;

  /// `scenarios/x.json:12:9: /timeline/3/wallet: unknown wallet "bobb"; known: alice, bob`, or
  /// `scenarios/x.json:1:1: <message>` when the pointer is "".
  std::string to_string() const;
};

/// Either a Scenario or a non-empty list of errors, sorted by position.
struct LoadResult {
  std::variant<Scenario, std::vector<LoadError>> value;

  bool ok() const { return value.index() == 0; }
  explicit operator bool() const { return ok(); }
  const Scenario& scenario() const { return std::get<Scenario>(value); }
  Scenario& scenario() { return std::get<Scenario>(value); }
  /// Empty when ok().
  const std::vector<LoadError>& errors() const;
};

/// Reads and loads one file. Errors name the file as `path.string()`.
LoadResult load_scenario_file(const std::filesystem::path& path);

/// Loads scenario text; `source_name` is the file name used in errors and Scenario::source_file.
LoadResult load_scenario_text(std::string_view text, std::string source_name);

/// The command line's FILE|DIR arguments as a list of files: a file as given (any extension), a
/// directory as every `*.json` regular file directly in it, sorted by name (not recursive).
/// A missing path, or a directory without a `*.json` file, adds an error to `errors`.
std::vector<std::filesystem::path> expand_inputs(const std::vector<std::filesystem::path>& inputs,
                                                 std::vector<LoadError>& errors);

/// `name` must be unique within a suite: one error per scenario whose name an earlier one has.
std::vector<LoadError> check_unique_names(const std::vector<const Scenario*>& scenarios);

/// The time grammar of the format: "250ms", "1.5s", "2m", "1h", "10us", "5ns" (a non-negative
/// decimal number and a unit). nullopt for anything else, negatives included. Bare JSON numbers
/// (milliseconds) are the loader's business, not this function's.
std::optional<Duration> parse_time(std::string_view text);

/// The JSON Schema (draft 2020-12) of the format, generated from the loader's key tables (names,
/// types, bounds, spellings, one-line help): what `connsim schema` prints. It accepts every file
/// the loader accepts; what it cannot express (references between ids, `until` and the run
/// budgets, duplicate keys) only `connsim check` reports.
nlohmann::json scenario_schema();

/// The shortest exact spelling in the time grammar: "10m", "1500ms", "0s".
std::string format_time(Duration time);

}  // namespace connsim::scenarios
