#include "live/recorder.hpp"

#include "sim/history.hpp"
#include "sim/js/store_reports.hpp"

namespace connsim::live {
namespace {

using nlohmann::json;
using sim::js::connect_result;
using sim::js::optional_text;
using sim::js::text;

store::Duration time_of(const json& line, const char* key = "t") {
  auto it = line.find(key);
  if (it == line.end() || !it->is_number()) return store::Duration::zero();
  return store::Duration(static_cast<std::int64_t>(it->get<double>()));
}

}  // namespace

LiveRecorder::LiveRecorder(const scenarios::Scenario& scenario)
    : scenario_(scenario),
      records_(scenario.wallets.size()),
      open_connects_(scenario.wallets.size()),
      next_event_id_(scenario.wallets.size(), 1),
      steps_(scenario.timeline.size()),
      getters_(scenario.expectations.size()) {}

std::optional<std::size_t> LiveRecorder::wallet_of(const json& line) const {
  auto it = scenario_.wallet_index.find(text(line, "wallet"));
  if (it == scenario_.wallet_index.end()) return std::nullopt;
  return it->second;
}

void LiveRecorder::consume(const json& line) {
  if (!line.is_object()) return;
  const std::string ev = text(line, "ev");
  const store::Duration at = time_of(line);
  if (ev == "fatal") {
    fatal_ = text(line, "message");
  } else if (ev == "aborted") {
    if (!aborted_) aborted_ = text(line, "message");
    notices_.push_back(sim::format_time(at) + " run aborted: " + text(line, "message"));
  } else if (ev == "done") {
    finished_ = true;
  } else if (ev == "end") {
    end_ = at;
  } else if (ev == "notice") {
    notices_.push_back(sim::format_time(at) + " " + text(line, "message"));
  } else if (ev == "step") {
    const auto index = line.value("step", std::size_t{0});
    if (index >= steps_.size()) return;
    auto& outcome = steps_[index];
    outcome.runs = line.value("run", outcome.runs + 1);
    outcome.finished = false;
    outcome.abandoned = false;
    outcome.started = at;
    outcome.value = std::monostate{};
    outcome.exception.reset();
  } else if (ev == "result" || ev == "step_error" || ev == "abandoned") {
    consume_result(line, at);
  } else if (ev == "getter") {
    const auto index = line.value("expectation", std::size_t{0});
    if (index >= getters_.size()) return;
    const auto* g = std::get_if<scenarios::GetterExpectation>(&scenario_.expectations[index].body);
    if (!g) return;
    const json& value = line.contains("value") ? line["value"] : json();
    scenarios::GetterValue got{at, std::uint64_t{0}};
    switch (g->getter) {
      case scenarios::Getter::connected_online_peer_count:
        got.value = value.is_number_unsigned() ? value.get<std::uint64_t>() : std::uint64_t{0};
        break;
      case scenarios::Getter::is_peer_connected:
        got.value = value.is_boolean() && value.get<bool>();
        break;
      case scenarios::Getter::peer_status: {
        got.value = sim::js::peer_status(value);
        break;
      }
    }
    getters_[index] = got;
  } else if (ev == "error") {
    const std::string store = text(line, "store") == "cpp" ? "C++" : "JavaScript";
    const std::string message = "the " + store + " store of " + text(line, "wallet") + " threw (" + text(line, "where") +
                                "): " + text(line, "message");
    notices_.push_back(sim::format_time(at) + " " + message);
    if (!store_error_) store_error_ = message;
  } else if (auto w = wallet_of(line)) {
    consume_wallet_report(*w, ev, line, at);
  }
}

void LiveRecorder::consume_wallet_report(std::size_t w, const std::string& ev, const json& line, store::Duration at) {
  sim::WalletRecords& r = records_[w];
  if (ev == "status") {
    r.statuses.push_back({at, text(line, "peer"), sim::js::peer_status(line)});
  } else if (ev == "activity") {
    const auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(at).count();
    r.events.push_back({at, sim::js::activity_event(line, next_event_id_[w]++, stamp)});
  } else if (ev == "connect_started") {
    open_connects_[w][text(line, "peer")].push_back({at, 0});
  } else if (ev == "connect_finished") {
    const std::string peer = text(line, "peer");
    store::ConnectResult result = sim::js::finished_connect_result(line);
    store::Duration started = at;
    int attempts = 0;
    auto& open = open_connects_[w][peer];
    if (!open.empty()) {
      started = open.front().first;
      attempts = open.front().second;
      open.erase(open.begin());
    }
    r.connects.push_back({peer, started, at, attempts, result});
  } else if (ev == "attempt") {
    const std::string peer = text(line, "peer");
    const int attempt = line.value("attempt", 0);
    r.attempts.push_back({time_of(line, "started"), at, peer, attempt, connect_result(line.value("result", json()))});
    auto& open = open_connects_[w][peer];
    if (!open.empty()) open.back().second = attempt;
  } else if (ev == "session") {
    sim::SessionRecord session;
    session.at = at;
    session.session_id = text(line, "session_id");
    session.state = sim::js::session_state(line);
    session.failure = optional_text(line, "failure");
    session.coordinator = line.value("coordinator", false);
    session.generation = line.value("generation", std::uint64_t{0});
    r.sessions.push_back(session);
  }
}

void LiveRecorder::consume_result(const json& line, store::Duration at) {
  const auto index = line.value("step", std::size_t{0});
  if (index >= steps_.size()) return;
  auto& outcome = steps_[index];
  if (line.value("run", std::size_t{0}) != outcome.runs) return;  // a later run took over
  const std::string ev = text(line, "ev");
  if (ev == "abandoned") {
    outcome.abandoned = true;
    return;
  }
  outcome.finished = true;
  outcome.finished_at = at;
  if (ev == "step_error") {
    outcome.exception = text(line, "message");
    return;
  }
  const json& value = line.contains("value") ? line["value"] : json();
  const scenarios::Step& step = scenario_.timeline[index];
  switch (step.kind()) {
    case scenarios::ActionKind::connect:
      outcome.value = connect_result(value);
      break;
    case scenarios::ActionKind::connect_many: {
      store::ResultMap<store::ConnectResult> results;
      if (value.is_array()) {
        for (const auto& entry : value) {
          if (entry.is_array() && entry.size() == 2 && entry[0].is_string()) {
            results.set(entry[0].get<std::string>(), connect_result(entry[1]));
          }
        }
      }
      outcome.value = std::move(results);
      break;
    }
    case scenarios::ActionKind::propose_spend: {
      store::ProposeSpendResult result;
      if (value.is_object()) {
        result.success = value.value("success", false);
        result.session_id = optional_text(value, "session_id");
        result.error = optional_text(value, "error");
      }
      if (result.session_id) {
        const auto w = scenario_.wallet_index.at(std::get<scenarios::ProposeSpendAction>(step.action).wallet);
        const auto& sessions = records_[w].sessions;
        for (auto it = sessions.rbegin(); it != sessions.rend(); ++it) {
          if (it->coordinator && it->session_id == *result.session_id) {
            outcome.spends.push_back(scenarios::SpendRun{*result.session_id, it->generation, outcome.started});
            break;
          }
        }
      }
      outcome.value = result;
      break;
    }
    default:
      break;
  }
}

}  // namespace connsim::live
