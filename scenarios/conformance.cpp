#include "scenarios/conformance.hpp"

#include <algorithm>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace connsim::scenarios {

namespace {

constexpr std::size_t kActsAround = 5;     // compared acts shown before and after a divergence
constexpr std::size_t kHistoryAround = 6;  // full-history entries shown before and after it

bool same_status(const store::PeerConnectionStatus& a, const store::PeerConnectionStatus& b) {
  // last_attempt is the store's own clock reading, not reported by the JavaScript host and
  // never in the history: status, connection type and error are what a write says.
  return a.status == b.status && a.connection_type == b.connection_type && a.error == b.error;
}

bool same_detail(const sim::StatusWritten& a, const sim::StatusWritten& b) {
  return a.wallet == b.wallet && a.peer == b.peer && same_status(a.status, b.status);
}
bool same_detail(const sim::EventAdded& a, const sim::EventAdded& b) {
  return a.wallet == b.wallet && a.type == b.type && a.message == b.message;
}
bool same_detail(const sim::ConnectFinished& a, const sim::ConnectFinished& b) {
  return a.wallet == b.wallet && a.peer == b.peer && a.result == b.result;
}
bool same_detail(const sim::SessionChanged& a, const sim::SessionChanged& b) {
  return a.wallet == b.wallet && a.session_id == b.session_id && a.state == b.state && a.failure == b.failure;
}

/// "status bob connecting": an act without its time and wallet.
std::string what_was_done(const sim::HistoryEntry& entry) {
  std::string text(sim::to_string(entry.kind()));
  const std::string detail = entry.detail_text();
  if (!detail.empty()) text += " " + detail;
  return text;
}

std::string wallet_of(const sim::HistoryEntry& entry) {
  const std::string* wallet = entry.wallet();
  return wallet != nullptr ? *wallet : entry.subject_text();
}

/// Where an entry sits in the history it points into.
std::size_t position_in(const std::vector<sim::HistoryEntry>& history, const sim::HistoryEntry* entry) {
  return static_cast<std::size_t>(entry - history.data());
}

std::string pad_to(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string act_summary(std::size_t index, const std::optional<sim::HistoryEntry>& cpp,
                        const std::optional<sim::HistoryEntry>& js) {
  const std::string where = "store act #" + std::to_string(index + 1);
  if (cpp && js && cpp->at == js->at && wallet_of(*cpp) == wallet_of(*js)) {
    return where + " at " + sim::format_time(cpp->at) + ", wallet " + wallet_of(*cpp) +
           ": C++ store " + what_was_done(*cpp) + " | JS store " + what_was_done(*js);
  }
  auto side = [](const std::optional<sim::HistoryEntry>& entry, std::size_t total) {
    if (!entry) return "nothing more (its " + std::to_string(total) + " acts ended)";
    return sim::format_time(entry->at) + " " + wallet_of(*entry) + " " + what_was_done(*entry);
  };
  return where + ": C++ store " + side(cpp, index) + " | JS store " + side(js, index);
}

/// The compared acts around `index`, side by side, the divergent row marked with '>'.
std::string acts_side_by_side(const std::vector<const sim::HistoryEntry*>& cpp,
                              const std::vector<const sim::HistoryEntry*>& js, std::size_t index) {
  const std::size_t first = index > kActsAround ? index - kActsAround : 0;
  const std::size_t last = std::min(std::max(cpp.size(), js.size()), index + kActsAround + 1);
  auto cell = [](const std::vector<const sim::HistoryEntry*>& acts, std::size_t i) {
    return i < acts.size() ? sim::History::format(*acts[i]) : std::string("-");
  };
  std::size_t width = std::string_view("C++ store").size();
  for (std::size_t i = first; i < last; ++i) width = std::max(width, cell(cpp, i).size());
  // The act numbers' column: at least 5 wide, and always a space after the widest number.
  const std::size_t number_width = std::max<std::size_t>(5, std::to_string(last).size() + 2);
  std::string out = "  store acts (C++ store | JS store):\n";
  out += std::string(4 + number_width, ' ') + pad_to("C++ store", width) + " | JS store\n";
  for (std::size_t i = first; i < last; ++i) {
    const std::string number = "#" + std::to_string(i + 1);
    out += (i == index ? "  > " : "    ") + pad_to(number, number_width) + pad_to(cell(cpp, i), width) + " | " +
           cell(js, i) + "\n";
  }
  return out;
}

/// Every kind of entry of one run's history around `at_position` (the divergent act's place, or
/// the history's end when that run had no act there).
std::string history_around(const std::string& label, const std::vector<sim::HistoryEntry>& history,
                           std::size_t at_position) {
  const std::size_t first = at_position > kHistoryAround ? at_position - kHistoryAround : 0;
  const std::size_t last = std::min(history.size(), at_position + kHistoryAround + 1);
  std::string out = "  history, " + label + " (entries " + std::to_string(first + 1) + "-" + std::to_string(last) +
                    " of " + std::to_string(history.size()) + "):\n";
  for (std::size_t i = first; i < last; ++i) {
    out += (i == at_position ? "  > " : "    ") + sim::History::format(history[i]) + "\n";
  }
  return out;
}

std::string reproduce(const RunReport& report, const std::string& store, const std::string& js_store_path) {
  std::string line = "connsim run " + report.file + " --seed " + std::to_string(report.seed);
  if (report.stats.backend == Backend::packet) line += " --backend packet";
  line += " --store " + store;
  if (store == "js" && !js_store_path.empty()) line += " --store-path " + js_store_path;
  return line + " --log";
}

std::string reproduce_lines(const RunReport& cpp, const RunReport& js, const std::string& js_store_path) {
  return "  reproduce: " + reproduce(cpp, "cpp", js_store_path) + "\n" + "             " +
         reproduce(js, "js", js_store_path) + "\n";
}

std::string failures_of(const std::string& label, const RunReport& report) {
  std::string out = "  " + label + ": " + (report.passed ? "PASS" : "FAIL") + "\n";
  for (const auto& failure : report.failures) out += "    " + failure.pointer + " " + failure.summary + "\n";
  return out;
}

}  // namespace

bool is_store_act(const sim::HistoryEntry& entry) {
  return std::holds_alternative<sim::StatusWritten>(entry.what) || std::holds_alternative<sim::EventAdded>(entry.what) ||
         std::holds_alternative<sim::ConnectFinished>(entry.what) ||
         std::holds_alternative<sim::SessionChanged>(entry.what);
}

std::vector<const sim::HistoryEntry*> store_acts(const std::vector<sim::HistoryEntry>& history) {
  std::vector<const sim::HistoryEntry*> acts;
  for (const auto& entry : history) {
    if (is_store_act(entry)) acts.push_back(&entry);
  }
  return acts;
}

bool same_act(const sim::HistoryEntry& a, const sim::HistoryEntry& b) {
  if (a.at != b.at || a.what.index() != b.what.index()) return false;
  return std::visit(
      [&b](const auto& left) {
        using Detail = std::decay_t<decltype(left)>;
        if constexpr (std::is_same_v<Detail, sim::StatusWritten> || std::is_same_v<Detail, sim::EventAdded> ||
                      std::is_same_v<Detail, sim::ConnectFinished> || std::is_same_v<Detail, sim::SessionChanged>) {
          return same_detail(left, std::get<Detail>(b.what));
        } else {
          return false;  // not a store act: never the same for conformance
        }
      },
      a.what);
}

Conformance compare_stores(const RunReport& cpp, const RunReport& js, const std::string& js_store_path) {
  Conformance result;
  result.name = cpp.name;
  result.file = cpp.file;
  result.seed = cpp.seed;
  result.cpp_passed = cpp.passed;
  result.js_passed = js.passed;
  const auto cpp_acts = store_acts(cpp.history);
  const auto js_acts = store_acts(js.history);
  result.cpp_acts = cpp_acts.size();
  result.js_acts = js_acts.size();

  const std::size_t common = std::min(cpp_acts.size(), js_acts.size());
  std::size_t index = 0;
  while (index < common && same_act(*cpp_acts[index], *js_acts[index])) ++index;
  result.same_acts = index;

  if (index < common || cpp_acts.size() != js_acts.size()) {
    Divergence divergence;
    divergence.index = index;
    divergence.kind = index < common                   ? DivergenceKind::act
                      : cpp_acts.size() > js_acts.size() ? DivergenceKind::cpp_longer
                                                         : DivergenceKind::js_longer;
    if (index < cpp_acts.size()) divergence.cpp = *cpp_acts[index];
    if (index < js_acts.size()) divergence.js = *js_acts[index];
    divergence.summary = act_summary(index, divergence.cpp, divergence.js);
    const std::size_t cpp_position = index < cpp_acts.size() ? position_in(cpp.history, cpp_acts[index]) : cpp.history.size();
    const std::size_t js_position = index < js_acts.size() ? position_in(js.history, js_acts[index]) : js.history.size();
    divergence.detail = acts_side_by_side(cpp_acts, js_acts, index) +
                        history_around("C++ store", cpp.history, cpp_position) +
                        history_around("JS store", js.history, js_position);
    if (js.store_failure) divergence.detail += "  the JavaScript store failed: " + *js.store_failure + "\n";
    divergence.detail += reproduce_lines(cpp, js, js_store_path);
    result.divergence = std::move(divergence);
  } else if (js.store_failure) {
    Divergence divergence;
    divergence.kind = DivergenceKind::store_failed;
    divergence.index = index;
    divergence.summary = "the JavaScript store failed after " + std::to_string(index) +
                         " store acts the same: " + *js.store_failure;
    divergence.detail = reproduce_lines(cpp, js, js_store_path);
    result.divergence = std::move(divergence);
  } else if (cpp.passed != js.passed) {
    Divergence divergence;
    divergence.kind = DivergenceKind::expectations;
    divergence.index = index;
    const RunReport& failed = cpp.passed ? js : cpp;
    divergence.summary = std::string("every store act the same, but the expectations ") +
                         (cpp.passed ? "pass on the C++ store and fail on the JS store"
                                     : "fail on the C++ store and pass on the JS store") +
                         ": " + (failed.failures.empty() ? std::string("?") : failed.failures.front().summary);
    divergence.detail = failures_of("C++ store", cpp) + failures_of("JS store", js) +
                        reproduce_lines(cpp, js, js_store_path);
    result.divergence = std::move(divergence);
  }
  return result;
}

Conformance conform(const Scenario& scenario, RunOptions options) {
  options.keep_history = true;
  options.store = sim::StoreImplementation::cpp;
  const RunReport cpp = run_scenario(scenario, options);
  options.store = sim::StoreImplementation::js;
  const RunReport js = run_scenario(scenario, options);
  return compare_stores(cpp, js, options.store_path);
}

std::string conformance_line(const Conformance& result) {
  const std::string outcomes = std::string(" (C++ ") + (result.cpp_passed ? "PASS" : "FAIL") + ", JS " +
                               (result.js_passed ? "PASS" : "FAIL") + ")";
  if (result.conforms()) {
    return "PASS " + result.name + ": " + std::to_string(result.same_acts) + " store acts the same" + outcomes;
  }
  return "FAIL " + result.name + ": " + result.divergence->summary + outcomes;
}

}  // namespace connsim::scenarios
