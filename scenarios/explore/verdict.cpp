#include "scenarios/explore/verdict.hpp"

#include <cctype>
#include <chrono>
#include <set>

#include "scenarios/explore/draw.hpp"
#include "scenarios/conformance.hpp"
#include "scenarios/loader.hpp"
#include "scenarios/runner.hpp"

namespace connsim::scenarios::explore {

using json = nlohmann::json;

std::string signature_of(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    // A quoted value (a message, an error, a status) stands for its kind of value.
    if (c == '"' || c == '\'') {
      const std::size_t close = message.find(c, i + 1);
      if (close != std::string_view::npos) {
        out += c;
        out += "...";
        out += c;
        i = close;
        continue;
      }
    }
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      if (out.empty() || out.back() != '#') out += '#';
      continue;
    }
    // "#.#s" and "#s" are one time; a '.' between digits is part of the number.
    if (c == '.' && !out.empty() && out.back() == '#' && i + 1 < message.size() &&
        std::isdigit(static_cast<unsigned char>(message[i + 1])) != 0) {
      continue;
    }
    out += c;
  }
  return out;
}

std::string property_of(const std::string& pointer, const json& scenario) {
  const std::string invariants = "/invariants/";
  if (pointer.rfind(invariants, 0) == 0) return "invariant " + pointer.substr(invariants.size());
  const std::string expect = "/expect/";
  if (pointer.rfind(expect, 0) == 0 && scenario.contains("expect")) {
    const std::string rest = pointer.substr(expect.size());
    const std::size_t index = std::stoul(rest.substr(0, rest.find('/')));
    if (index < scenario["expect"].size()) {
      const json& e = scenario["expect"][index];
      if (e.contains("result") && e["result"].is_string()) {
        const std::string id = e["result"];
        if (id.rfind(kProbeConnectPrefix, 0) == 0) return "liveness connect-when-path";
        if (id.rfind(kProbeReachPrefix, 0) == 0) return "liveness reachable-after-relay-return";
      }
      return "expect " + e.dump();
    }
  }
  return "run " + pointer;
}

namespace {

/// The part of a summary after its "expect[N] " or "invariant NAME: " head, which names the
/// expectation's index (it moves when shrinking drops others).
std::string body_of(const Failure& failure) {
  const std::string& summary = failure.summary;
  if (summary.rfind("expect[", 0) == 0) {
    const std::size_t space = summary.find(' ');
    if (space != std::string::npos) return summary.substr(space + 1);
  }
  return summary;
}

}  // namespace

RunVerdict evaluate_scenario(const json& scenario, const EvaluateOptions& options) {
  RunVerdict verdict;
  verdict.seed = scenario.value("seed", std::uint64_t{1});
  const std::string name = scenario.value("name", std::string("explore"));
  const LoadResult loaded = load_scenario_text(scenario.dump(), name + ".json");
  if (!loaded.ok()) {
    const LoadError& error = loaded.errors().front();
    verdict.findings.push_back({"draw invalid", signature_of(error.message), error.to_string()});
    return verdict;
  }
  RunOptions run;
  run.max_events = options.max_events;
  run.store_path = options.store_path;
  if (options.oracle_js) run.store = sim::StoreImplementation::cpp;
  const auto start = std::chrono::steady_clock::now();
  const RunReport report = run_scenario(loaded.scenario(), run);
  verdict.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  verdict.events = report.stats.events;
  verdict.ran = true;
  std::set<std::string> seen;
  for (const Failure& failure : report.failures) {
    if (failure.summary.find(": ... and ") != std::string::npos) continue;  // "... and N more"
    Finding finding{property_of(failure.pointer, scenario), signature_of(body_of(failure)), failure.summary};
    if (!seen.insert(finding.key()).second) continue;
    verdict.findings.push_back(std::move(finding));
  }
  if (options.oracle_js) {
    run.store = sim::StoreImplementation::js;
    try {
      const RunReport js = run_scenario(loaded.scenario(), run);
      const Conformance same = compare_stores(report, js, options.store_path);
      if (!same.conforms()) {
        const std::string& summary = same.divergence->summary;
        verdict.findings.push_back({std::string(kOracleProperty), signature_of(summary), summary});
      }
    } catch (const std::exception& e) {  // Node or its packages missing: the machine, not the run
      verdict.findings.push_back({std::string(kOracleUnavailable), signature_of(e.what()), e.what()});
    }
    verdict.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return verdict;
}

json RunVerdict::to_json() const {
  json findings_json = json::array();
  for (const Finding& f : findings) {
    findings_json.push_back({{"property", f.property}, {"signature", f.signature}, {"message", f.message}});
  }
  return {{"seed", seed}, {"ran", ran}, {"findings", findings_json}, {"wall_seconds", wall_seconds}, {"events", events}};
}

RunVerdict RunVerdict::from_json(const json& value) {
  RunVerdict verdict;
  verdict.seed = value.at("seed").get<std::uint64_t>();
  verdict.ran = value.at("ran").get<bool>();
  verdict.wall_seconds = value.at("wall_seconds").get<double>();
  verdict.events = value.at("events").get<std::uint64_t>();
  for (const json& f : value.at("findings")) {
    verdict.findings.push_back({f.at("property"), f.at("signature"), f.at("message")});
  }
  return verdict;
}

}  // namespace connsim::scenarios::explore
