#include "scenarios/checks.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "scenarios/loader.hpp"

namespace connsim::scenarios {

namespace {

std::string quote(const std::string& text) { return "\"" + text + "\""; }

std::string time_of(Duration at) { return sim::format_time(at); }

const store::PeerId& peer_of(const Scenario& scenario, const std::string& wallet_id) {
  return scenario.wallets[scenario.wallet_index.at(wallet_id)].peer_id;
}

std::size_t wallet_of(const Scenario& scenario, const std::string& wallet_id) {
  return scenario.wallet_index.at(wallet_id);
}

std::string type_name(const std::optional<store::ConnectionType>& type) {
  return type ? std::string(store::to_string(*type)) : "(none)";
}

/// The last `limit` history entries about any of `wallets`, and every step and fault (all
/// entries when `wallets` is empty).
std::string history_slice(const sim::History& history, const std::vector<std::string>& wallets,
                          std::size_t limit = 24) {
  std::vector<const sim::HistoryEntry*> picked;
  for (const auto& entry : history.entries()) {
    const sim::HistoryKind kind = entry.kind();
    const std::string* wallet = entry.wallet();
    const bool relevant =
        wallets.empty() || kind == sim::HistoryKind::fault || kind == sim::HistoryKind::step ||
        (wallet && std::find(wallets.begin(), wallets.end(), *wallet) != wallets.end());
    if (relevant) picked.push_back(&entry);
  }
  std::string out;
  const std::size_t from = picked.size() > limit ? picked.size() - limit : 0;
  if (from > 0) out += "    ... " + std::to_string(from) + " earlier entries\n";
  for (std::size_t i = from; i < picked.size(); ++i) out += "    " + sim::History::format(*picked[i]) + "\n";
  return out;
}

bool matches(const EventPattern& pattern, const sim::EventRecord& record, const Scenario& scenario) {
  const auto& event = record.event;
  if (pattern.type && *pattern.type != event.type) return false;
  if (pattern.message && *pattern.message != event.message) return false;
  if (pattern.contains && event.message.find(*pattern.contains) == std::string::npos) return false;
  if (pattern.peer && peer_of(scenario, *pattern.peer) != event.peer_id) return false;
  return true;
}

std::string describe(const EventPattern& pattern) {
  std::vector<std::string> parts;
  if (pattern.type) parts.push_back("type " + *pattern.type);
  if (pattern.message) parts.push_back("message " + quote(*pattern.message));
  if (pattern.contains) parts.push_back("contains " + quote(*pattern.contains));
  if (pattern.peer) parts.push_back("peer " + *pattern.peer);
  std::string out = "{";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + "}";
}

std::string describe_events(const std::vector<const sim::EventRecord*>& events, std::size_t limit = 8) {
  std::string out = "[";
  const std::size_t from = events.size() > limit ? events.size() - limit : 0;
  if (from > 0) out += "... " + std::to_string(from) + " earlier, ";
  for (std::size_t i = from; i < events.size(); ++i) {
    if (i > from) out += ", ";
    out += events[i]->event.type + "@" + time_of(events[i]->at) + " " + quote(events[i]->event.message);
  }
  return out + "]";
}

struct Checker {
  const CheckContext& ctx;
  std::vector<Failure> failures;

  /// A failure whose summary reads "expect[i] <what>expected <expected>, got <got>"; `at` is the
  /// virtual time it is about (nullopt: the run as a whole).
  void fail(const Expectation& e, const std::string& what, std::string expected, std::string got,
            std::optional<Duration> at, std::string detail = {}) {
    Failure failure{e.index, e.source.pointer,
                    "expect[" + std::to_string(e.index) + "] " + what + "expected " + expected + ", got " + got,
                    std::move(detail)};
    failure.at = at;
    failure.expected = std::move(expected);
    failure.got = std::move(got);
    failures.push_back(std::move(failure));
  }
  /// A failure with no expected/got sides: "expect[i] <summary>".
  void fail_plain(const Expectation& e, std::string summary, std::optional<Duration> at) {
    Failure failure{e.index, e.source.pointer, "expect[" + std::to_string(e.index) + "] " + std::move(summary), {}};
    failure.at = at;
    failures.push_back(std::move(failure));
  }

  void check(const Expectation& e, const StatusExpectation& s) {
    const auto& records = ctx.report.records[wallet_of(ctx.scenario, s.wallet)];
    const store::PeerId& peer = peer_of(ctx.scenario, s.peer);
    std::vector<sim::StatusWrite> writes;
    for (const auto& write : records.statuses) {
      if (write.peer == peer && (!s.at || write.at <= *s.at)) writes.push_back(write);
    }
    std::string expected = "[";
    for (std::size_t i = 0; i < s.sequence.size(); ++i) {
      expected += (i ? ", " : "") + std::string(store::to_string(s.sequence[i]));
    }
    expected += "]";
    const std::string what = "status " + s.wallet + "->" + s.peer + ": ";
    const std::string detail = history_slice(ctx.history, {s.wallet, s.peer});
    bool same = writes.size() == s.sequence.size();
    std::size_t first_wrong = 0;  // the first write that is not the expected one
    while (first_wrong < writes.size() && first_wrong < s.sequence.size() &&
           writes[first_wrong].status.status == s.sequence[first_wrong]) {
      ++first_wrong;
    }
    for (std::size_t i = 0; same && i < writes.size(); ++i) same = writes[i].status.status == s.sequence[i];
    if (!same) {
      const std::optional<Duration> at = first_wrong < writes.size() ? std::optional<Duration>(writes[first_wrong].at) : s.at;
      fail(e, what, "sequence " + expected, describe_status_writes(writes), at, detail);
      return;
    }
    if (s.connection_type) {
      const auto got = writes.empty() ? std::nullopt : writes.back().status.connection_type;
      const bool ok = *s.connection_type == store::ConnectionType::none ? !got.has_value() : got == s.connection_type;
      if (!ok) {
        fail(e, what, "last connection_type " + std::string(store::to_string(*s.connection_type)),
             type_name(got) + " in " + describe_status_writes(writes),
             writes.empty() ? s.at : std::optional<Duration>(writes.back().at), detail);
        return;
      }
    }
    if (s.within && writes.size() >= 2) {
      const Duration span = writes.back().at - writes.front().at;
      if (span > *s.within) {
        fail(e, what, "first and last write within " + format_time(*s.within),
             time_of(span) + " in " + describe_status_writes(writes), writes.back().at, detail);
      }
    }
  }

  void check(const Expectation& e, const EventsExpectation& ev) {
    const auto& records = ctx.report.records[wallet_of(ctx.scenario, ev.wallet)];
    std::vector<const sim::EventRecord*> events;
    for (const auto& record : records.events) {
      if (!ev.at || record.at <= *ev.at) events.push_back(&record);
    }
    const std::string what = "events " + ev.wallet + ": ";
    if (!ev.sequence.empty()) {
      std::size_t matched = 0;
      if (ev.mode == EventsMode::exact) {
        bool ok = events.size() == ev.sequence.size();
        std::size_t first_wrong = 0;  // the first event that does not match its pattern
        while (first_wrong < events.size() && first_wrong < ev.sequence.size() &&
               matches(ev.sequence[first_wrong], *events[first_wrong], ctx.scenario)) {
          ++first_wrong;
        }
        for (std::size_t i = 0; ok && i < events.size(); ++i) ok = matches(ev.sequence[i], *events[i], ctx.scenario);
        if (!ok) {
          std::string expected;
          for (std::size_t i = 0; i < ev.sequence.size(); ++i) expected += (i ? ", " : "") + describe(ev.sequence[i]);
          fail(e, what, "exactly [" + expected + "]", describe_events(events, 12),
               first_wrong < events.size() ? std::optional<Duration>(events[first_wrong]->at) : ev.at,
               history_slice(ctx.history, {ev.wallet}));
          return;
        }
      } else {
        for (const auto* record : events) {
          if (matched < ev.sequence.size() && matches(ev.sequence[matched], *record, ctx.scenario)) ++matched;
        }
        if (matched < ev.sequence.size()) {
          fail(e, what,
               "in order " + describe(ev.sequence[matched]) + " (pattern " + std::to_string(matched + 1) + " of " +
                   std::to_string(ev.sequence.size()) + ") after the earlier ones",
               describe_events(events), ev.at, history_slice(ctx.history, {ev.wallet}));
          return;
        }
      }
    }
    for (const auto& pattern : ev.absent) {
      for (const auto* record : events) {
        if (matches(pattern, *record, ctx.scenario)) {
          fail(e, what, "no event matching " + describe(pattern),
               record->event.type + "@" + time_of(record->at) + " " + quote(record->event.message), record->at,
               history_slice(ctx.history, {ev.wallet}));
          return;
        }
      }
    }
  }

  void check(const Expectation& e, const ResultExpectation& r) {
    const Step& step = *ctx.scenario.find_step(r.step);
    const StepOutcome& outcome = ctx.report.steps[step.index];
    const std::string what = "result " + r.step + (r.peer ? " peer " + *r.peer : "") + ": ";
    if (outcome.runs == 0) {
      fail(e, what, "a result",
           "nothing: the step never ran (at " + format_time(step.at) + ", until " + format_time(ctx.scenario.until) + ")",
           std::nullopt);
      return;
    }
    if (outcome.abandoned) {
      fail(e, what, "a result",
           "none: the wallet reloaded while the step ran (started " + time_of(outcome.started) +
               "), so its promise was lost",
           outcome.started);
      return;
    }
    if (!outcome.finished) {
      fail(e, what, "a result", "none: still running at the end of the run (started " + time_of(outcome.started) + ")",
           std::nullopt);
      return;
    }
    if (outcome.exception) {
      fail(e, what, "a result", "an exception: " + *outcome.exception, outcome.finished_at);
      return;
    }
    bool success = false;
    std::optional<store::ConnectionType> type;
    std::optional<std::string> error;
    if (const auto* single = std::get_if<store::ConnectResult>(&outcome.value)) {
      success = single->success;
      type = single->connection_type;
      error = single->error;
    } else if (const auto* many = std::get_if<store::ResultMap<store::ConnectResult>>(&outcome.value)) {
      const store::ConnectResult* result = many->get(peer_of(ctx.scenario, *r.peer));
      if (result == nullptr) {
        fail(e, what, "a result for that peer", "none in the step's map", outcome.finished_at);
        return;
      }
      success = result->success;
      type = result->connection_type;
      error = result->error;
    } else if (const auto* spend = std::get_if<store::ProposeSpendResult>(&outcome.value)) {
      success = spend->success;
      error = spend->error;
    }
    std::string got = std::string("{success ") + (success ? "true" : "false");
    if (type) got += ", connection_type " + std::string(store::to_string(*type));
    if (error) got += ", error " + quote(*error);
    got += "}";
    std::vector<std::string> wrong;
    if (r.success && *r.success != success) wrong.push_back(std::string("success ") + (*r.success ? "true" : "false"));
    if (r.connection_type && type != r.connection_type) {
      wrong.push_back("connection_type " + std::string(store::to_string(*r.connection_type)));
    }
    if (r.error && error != r.error) wrong.push_back("error " + quote(*r.error));
    if (r.error_contains && (!error || error->find(*r.error_contains) == std::string::npos)) {
      wrong.push_back("error containing " + quote(*r.error_contains));
    }
    if (!wrong.empty()) {
      std::string expected;
      for (std::size_t i = 0; i < wrong.size(); ++i) expected += (i ? ", " : "") + wrong[i];
      const auto& action_wallet = std::visit(
          [](const auto& a) -> std::string {
            if constexpr (requires { a.wallet; }) {
              return a.wallet;
            } else {
              return {};
            }
          },
          step.action);
      fail(e, what, expected, got, outcome.finished_at, history_slice(ctx.history, {action_wallet}));
    }
  }

  void check(const Expectation& e, const GetterExpectation& g) {
    const auto& value = ctx.getters[e.index];
    const std::string what = "getter " + std::string(spelling_of(g.getter)) + " " + g.wallet +
                             (g.peer ? "/" + *g.peer : "") + " at " +
                             (value ? time_of(value->at) : std::string("?")) + ": ";
    if (!value) {
      fail_plain(e, what + "no value was read (its time lies beyond the run)", std::nullopt);
      return;
    }
    std::string expected;
    std::string got;
    bool ok = false;
    if (const auto* count = std::get_if<std::uint64_t>(&g.equals)) {
      const auto actual = std::get<std::uint64_t>(value->value);
      ok = actual == *count;
      expected = std::to_string(*count);
      got = std::to_string(actual);
    } else if (const auto* flag = std::get_if<bool>(&g.equals)) {
      const bool actual = std::get<bool>(value->value);
      ok = actual == *flag;
      expected = *flag ? "true" : "false";
      got = actual ? "true" : "false";
    } else {
      const auto& match = std::get<PeerStatusMatch>(g.equals);
      const auto& actual = std::get<store::PeerConnectionStatus>(value->value);
      ok = actual.status == match.status;
      if (match.connection_type) {
        ok = ok && (*match.connection_type == store::ConnectionType::none ? !actual.connection_type.has_value()
                                                                           : actual.connection_type == match.connection_type);
      }
      if (match.error) ok = ok && actual.error == match.error;
      expected = "{status " + std::string(store::to_string(match.status)) +
                 (match.connection_type ? ", connection_type " + std::string(store::to_string(*match.connection_type)) : "") +
                 (match.error ? ", error " + quote(*match.error) : "") + "}";
      got = "{status " + std::string(store::to_string(actual.status)) + ", connection_type " +
            type_name(actual.connection_type) + (actual.error ? ", error " + quote(*actual.error) : "") + "}";
    }
    if (!ok) fail(e, what, expected, got, value->at, history_slice(ctx.history, {g.wallet}));
  }

  void check(const Expectation& e, const MetricExpectation& m) {
    const auto it = ctx.report.metrics.find(m.metric);
    const std::optional<double> value = it == ctx.report.metrics.end() ? std::nullopt : it->second;
    const bool time = is_time_metric(m.metric);
    auto show = [&](double v) {
      std::ostringstream out;
      out << v << (time ? "ms" : "");
      return out.str();
    };
    std::string bounds;
    if (m.at_least) bounds += "at least " + show(*m.at_least);
    if (m.at_most) bounds += std::string(bounds.empty() ? "" : " and ") + "at most " + show(*m.at_most);
    const std::string what = "metric " + std::string(spelling_of(m.metric)) + ": ";
    if (!value) {
      fail(e, what, bounds, "no data (nothing in the run to measure)", std::nullopt);
      return;
    }
    if ((m.at_least && !(*value >= *m.at_least)) || (m.at_most && !(*value <= *m.at_most))) {
      fail(e, what, bounds, show(*value), std::nullopt);
    }
  }

  void check(const Expectation& e, const SessionExpectation& s) {
    const Step& step = *ctx.scenario.find_step(s.step);
    const StepOutcome& outcome = ctx.report.steps[step.index];
    const std::string what = "session " + s.step + ": ";
    const std::string expected =
        std::string(store::to_string(s.state)) + (s.within ? " within " + format_time(*s.within) : "");
    const auto* spend = std::get_if<store::ProposeSpendResult>(&outcome.value);
    if (spend == nullptr || !spend->success || !spend->session_id || outcome.spends.empty() ||
        outcome.spends.back().started != outcome.started) {
      fail(e, what, expected,
           "no session (proposeSpend " +
               (spend && spend->error ? "failed: " + *spend->error
                : outcome.abandoned   ? std::string("abandoned by a reload")
                                      : std::string("did not succeed")) + ")",
           outcome.runs > 0 ? std::optional<Duration>(outcome.finished ? outcome.finished_at : outcome.started)
                            : std::nullopt);
      return;
    }
    const SpendRun& run = outcome.spends.back();
    const auto& action = std::get<ProposeSpendAction>(step.action);
    const std::size_t w = wallet_of(ctx.scenario, action.wallet);
    const sim::SessionRecord* reached = nullptr;
    const sim::SessionRecord* last = nullptr;
    for (const auto& record : ctx.report.records[w].sessions) {
      if (record.session_id != run.session_id || record.generation != run.generation || !record.coordinator) continue;
      last = &record;
      if (record.state == s.state && reached == nullptr) reached = &record;
    }
    const std::string detail = history_slice(ctx.history, {action.wallet});
    if (reached == nullptr) {
      fail(e, what, expected,
           last ? std::string(store::to_string(last->state)) + (last->failure ? " (" + *last->failure + ")" : "") +
                      " at " + time_of(last->at)
                : std::string("no state change"),
           last ? std::optional<Duration>(last->at) : std::nullopt, detail);
      return;
    }
    if (s.within && reached->at - outcome.started > *s.within) {
      fail(e, what, expected, std::string(store::to_string(s.state)) + " after " + time_of(reached->at - outcome.started),
           reached->at, detail);
    }
  }
};

}  // namespace

std::string describe_status_writes(const std::vector<sim::StatusWrite>& writes) {
  std::string out = "[";
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const auto& w = writes[i];
    out += (i ? ", " : "") + std::string(store::to_string(w.status.status)) + "@" + time_of(w.at);
    if (w.status.connection_type) out += " " + std::string(store::to_string(*w.status.connection_type));
    if (w.status.error) out += " " + quote(*w.status.error);
  }
  return out + "]";
}

std::vector<Failure> check_expectations(const CheckContext& context) {
  Checker checker{context, {}};
  for (const auto& expectation : context.scenario.expectations) {
    std::visit([&](const auto& body) { checker.check(expectation, body); }, expectation.body);
  }
  return std::move(checker.failures);
}

// --- metrics ----------------------------------------------------------------------------------

namespace {

std::optional<double> percentile_ms(std::vector<Duration> values, double fraction) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  const std::size_t index = rank == 0 ? 0 : std::min(values.size() - 1, rank - 1);
  return std::chrono::duration<double, std::milli>(values[index]).count();
}

std::optional<double> ratio(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

std::map<Metric, std::optional<double>> compute_metrics(const Scenario& scenario,
                                                        const std::vector<sim::WalletRecords>& records,
                                                        const std::vector<StepOutcome>& steps, Duration until) {
  std::uint64_t connects = 0, successes = 0, first_attempt = 0, webrtc = 0, relay = 0, direct = 0;
  std::vector<Duration> times;
  for (const auto& wallet : records) {
    for (const auto& connect : wallet.connects) {
      ++connects;
      times.push_back(connect.finished - connect.started);
      if (!connect.result.success) continue;
      ++successes;
      if (connect.attempts <= 1) ++first_attempt;
      switch (connect.result.connection_type) {
        case store::ConnectionType::webrtc: ++webrtc; break;
        case store::ConnectionType::relay: ++relay; break;
        case store::ConnectionType::direct: ++direct; break;
        case store::ConnectionType::none: break;
      }
    }
  }
  std::uint64_t proposals = 0, completed = 0;
  for (const auto& step : scenario.timeline) {
    if (step.kind() != ActionKind::propose_spend) continue;
    const StepOutcome& outcome = steps[step.index];
    proposals += outcome.runs;
    const std::size_t w = scenario.wallet_index.at(std::get<ProposeSpendAction>(step.action).wallet);
    for (const SpendRun& run : outcome.spends) {  // every run, each its own session
      for (const auto& record : records[w].sessions) {
        if (record.coordinator && record.session_id == run.session_id && record.generation == run.generation &&
            record.state == store::SessionState::completed) {
          ++completed;
          break;
        }
      }
    }
  }
  std::map<Metric, std::optional<double>> metrics;
  metrics[Metric::connect_success_rate] = ratio(successes, connects);
  metrics[Metric::first_attempt_success_rate] = ratio(first_attempt, connects);
  metrics[Metric::connect_time_p50] = percentile_ms(times, 0.50);
  metrics[Metric::connect_time_p90] = percentile_ms(times, 0.90);
  metrics[Metric::connect_time_p99] = percentile_ms(times, 0.99);
  metrics[Metric::share_webrtc] = ratio(webrtc, successes);
  metrics[Metric::share_relay] = ratio(relay, successes);
  metrics[Metric::share_direct] = ratio(direct, successes);
  metrics[Metric::spend_success_rate] = ratio(completed, proposals);
  const double seconds = std::chrono::duration<double>(until).count();
  metrics[Metric::connections_per_sim_second] =
      seconds > 0 ? std::optional<double>(static_cast<double>(successes) / seconds) : std::nullopt;
  return metrics;
}

}  // namespace connsim::scenarios
