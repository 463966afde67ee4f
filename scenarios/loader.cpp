#include "scenarios/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "scenarios/decode/decode_context.hpp"
#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/key_kinds.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/decode/times.hpp"
#include "scenarios/document.hpp"
#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"
#include "scenarios/run_cost.hpp"

namespace connsim::scenarios {
namespace {

constexpr DocumentKind kScenarioDocument{"a scenario", kFormat};

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace decode;

json format_schema() {
  return {{"const", std::string(kFormat)}};
}
json name_schema() {
  return {{"type", "string"}, {"minLength", 1}};
}
json until_schema() {
  // limits::kMaxUntil bounds a number of milliseconds; a string's size is beyond a pattern.
  const double max_ms = static_cast<double>(limits::kMaxUntil.count()) / 1e6;
  return {{"allOf", {{{"$ref", "#/$defs/positive_time"}}, {{"maximum", max_ms}}}}};
}
template <json (*Schema)()>
constexpr ValueCheck described_by() {
  return ValueCheck{.kind = ValueKind::any, .schema = Schema};
}

// Decoded in this order: what later keys refer to comes first.
constexpr Field<Scenario> kScenarioFields[] = {
    {"$schema", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Scenario&) {
       get_string(c, v, p);  // for editors; the loader only checks that it is a string
     },
     AsString::check, "the JSON Schema this file follows (`connsim schema`), for editors; ignored",
     false},
    {"format", true,
     [](DecodeContext&, const json&, const JsonPointer&, Scenario&) {},  // checked before
     described_by<&format_schema>(), "the format and its version"},
    {"name", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Scenario& s) {
       auto name = get_string(c, v, p);
       if (!name) return;
       if (name->empty()) {
         c.error(p, "a scenario name must not be empty");
         return;
       }
       s.name = *name;
       s.name_source = c.source(p);
     },
     described_by<&name_schema>(), "unique within a suite"},
    optional_key<AsString, &Scenario::description>("description", "free text"),
    optional_key<AsUint64, &Scenario::seed>("seed", "same seed, same run; --seed overrides"),
    {"until", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, Scenario& s) {
       auto until = get_positive_time(c, v, p);
       if (until && *until > limits::kMaxUntil) {
         c.error(p, "until must be at most " + format_time(limits::kMaxUntil) +
                        " (the limit), got " + describe(v));
         until.reset();
       }
       if (!until) {
         c.until_valid = false;
         return;
       }
       s.until = *until;
     },
     described_by<&until_schema>(), "simulated time at which the run ends (at most 720h)"},
    {"network", false, decode_network, described_by<&network_schema>(),
     "the network: latency, loss, relays, bootstrap, ICE, timeouts"},
    {"wallets", false, decode_wallets, described_by<&wallets_schema>(), "the wallets"},
    {"shared_wallets", false, decode_shared_wallets, described_by<&shared_wallets_schema>(),
     "MuSig2 shared wallets"},
    {"timeline", false, decode_timeline, described_by<&timeline_schema>(), "what happens, when"},
    {"expect", false, decode_expectations, described_by<&expectations_schema>(), "what must hold"},
};

std::vector<LoadError> finish_errors(std::vector<LoadError> errors, std::size_t dropped) {
  errors = sorted_by_position(std::move(errors));
  if (errors.size() > limits::kMaxReportedErrors || dropped > 0) {
    std::size_t more = dropped;
    LoadError note;
    if (errors.size() > limits::kMaxReportedErrors) {
      note = errors[limits::kMaxReportedErrors];
      more += errors.size() - limits::kMaxReportedErrors;
      errors.resize(limits::kMaxReportedErrors);
    } else {
      note = errors.back();
    }
    note.pointer.clear();
    note.message = std::to_string(more) + " more errors not shown";
    errors.push_back(std::move(note));
  }
  return errors;
}

}  // namespace

// --- public --------------------------------------------------------------------------------------

std::string LoadError::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!pointer.empty()) {
    // A key may hold control characters (written \u0001 in the file) and be megabytes long: the
    // printed pointer escapes the former and is cut after limits::kMaxQuotedChars characters.
    std::string shown = char_count(pointer) > limits::kMaxQuotedChars
                            ? first_chars(pointer, limits::kMaxQuotedChars - 3) + "..."
                            : pointer;
    for (const char c : shown) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b == 0x7F) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", b);
        out += escaped;
      } else {
        out += c;
      }
    }
    out += ": ";
  }
  out += message;
  return out;
}

const std::vector<LoadError>& LoadResult::errors() const {
  static const std::vector<LoadError> none;
  if (const auto* errors = std::get_if<std::vector<LoadError>>(&value)) return *errors;
  return none;
}

LoadResult load_scenario_text(std::string_view text, std::string source_name) {
  auto opened = open_document(text, source_name, kScenarioDocument);
  if (auto* errors = std::get_if<std::vector<LoadError>>(&opened)) return LoadResult{finish_errors(std::move(*errors), 0)};
  const PositionedJson& doc = std::get<PositionedJson>(opened);
  DecodeContext ctx(source_name, doc);
  const json& root = doc.value;
  ctx.sc.source_file = source_name;
  decode_object(ctx, root, "", kScenarioFields, ctx.sc);
  // The run-cost pass (scenarios/run_cost.hpp), over what was decoded.
  if (ctx.until_valid) {
    if (const auto over = timeline_over_budget(ctx.sc)) {
      ctx.error_found_at(ctx.step_marks[over->step], over->finding.pointer, over->finding.message);
    }
  }
  if (ctx.error_count() == 0) {
    for (auto& finding : periodic_over_budget(ctx.sc, ctx.doc)) {
      ctx.error(finding.pointer, std::move(finding.message));
    }
  }
  if (ctx.error_count() > 0) return LoadResult{finish_errors(std::move(ctx.errors), ctx.dropped)};
  return LoadResult{std::move(ctx.sc)};
}

LoadResult load_scenario_file(const std::filesystem::path& path) {
  return load_document_file(path, load_scenario_text);
}

std::vector<std::filesystem::path> expand_inputs(const std::vector<std::filesystem::path>& inputs,
                                                 std::vector<LoadError>& errors) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    const auto status = fs::status(input, ec);
    if (!fs::exists(status)) {
      errors.push_back(
          LoadError{input.string(), 1, 1, "",
                    "no such file or directory" + (ec && ec != std::errc::no_such_file_or_directory
                                                       ? " (" + ec.message() + ")"
                                                       : std::string())});
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(input);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code entry_ec;
      if (it->path().extension() == ".json" && fs::is_regular_file(it->path(), entry_ec)) {
        found.push_back(it->path());
      }
    }
    if (ec) {
      errors.push_back(
          LoadError{input.string(), 1, 1, "", "cannot list the directory: " + ec.message()});
      continue;
    }
    if (found.empty()) {
      errors.push_back(LoadError{input.string(), 1, 1, "", "no *.json file in this directory"});
      continue;
    }
    std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() < b.filename().string();
    });
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<LoadError> check_unique_names(const std::vector<const Scenario*>& scenarios) {
  std::vector<LoadError> errors;
  std::map<std::string, const Scenario*, std::less<>> first;
  for (const Scenario* scenario : scenarios) {
    const auto [it, inserted] = first.emplace(scenario->name, scenario);
    if (inserted) continue;
    errors.push_back(LoadError{scenario->source_file, scenario->name_source.line,
                               scenario->name_source.column, "/name",
                               "duplicate scenario name " + quote(scenario->name) +
                                   "; already the name of " + it->second->source_file});
  }
  return errors;
}

nlohmann::json scenario_schema() {
  json schema = object_schema(kScenarioFields);
  json out = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
              {"$id", "https://connsim.invalid/schema/connsim-1.json"},
              {"title", "connsim scenario (format connsim/1)"},
              {"description",
               "A scenario file of connsim, generated by `connsim schema` from the loader's key "
               "tables. References between ids, `until` bounds and the run budgets are checked by "
               "`connsim check`, not by this schema (scenarios/FORMAT.md)."}};
  out.update(schema);
  out["$defs"] = shared_definitions();
  return out;
}

std::optional<Duration> parse_time(std::string_view text) {
  Duration time{};
  if (parse_time_text(text, time) != TimeIssue::none) return std::nullopt;
  return time;
}

std::string format_time(Duration time) {
  std::int64_t ns = time.count();
  if (ns == 0) return "0s";
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  constexpr Unit kUnits[] = {{3'600'000'000'000, "h"}, {60'000'000'000, "m"}, {1'000'000'000, "s"},
                             {1'000'000, "ms"},        {1'000, "us"},         {1, "ns"}};
  for (const Unit& unit : kUnits) {
    if (ns % unit.ns == 0) return sign + std::to_string(ns / unit.ns) + unit.name;
  }
  return sign + std::to_string(ns) + "ns";
}

}  // namespace connsim::scenarios
