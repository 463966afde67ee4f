#include "scenarios/crosscheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>

namespace connsim::scenarios {

namespace {

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::string describe_connect(const sim::ConnectRecord& c) {
  std::string text = c.peer + " " + (c.result.success ? "ok" : "failed");
  if (c.result.success) text += " " + std::string(store::to_string(c.result.connection_type));
  return text;
}

std::string describe_connect_ptr(const sim::ConnectRecord* c) { return describe_connect(*c); }

/// A wallet's connects grouped by peer, each group in the order the connects finished.
std::map<store::PeerId, std::vector<const sim::ConnectRecord*>> connects_by_peer(const sim::WalletRecords& records) {
  std::map<store::PeerId, std::vector<const sim::ConnectRecord*>> groups;
  for (const auto& connect : records.connects) groups[connect.peer].push_back(&connect);
  return groups;
}

/// A session's state and failure (its id is left out: ids embed the proposal's time).
std::string describe_session(const sim::SessionRecord& s) {
  return std::string(store::to_string(s.state)) + (s.failure ? " (" + *s.failure + ")" : "");
}

/// The last status each peer was written with, and its connection type (times left out).
std::map<store::PeerId, std::string> final_statuses(const sim::WalletRecords& records) {
  std::map<store::PeerId, std::string> last;
  for (const auto& write : records.statuses) {
    std::string text(store::to_string(write.status.status));
    if (write.status.connection_type) text += " " + std::string(store::to_string(*write.status.connection_type));
    last.insert_or_assign(write.peer, text);
  }
  return last;
}

template <class T, class Describe>
void compare_sequences(const std::string& what, const std::vector<T>& a, const std::vector<T>& b, Describe describe,
                       std::vector<std::string>& differences) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (describe(a[i]) != describe(b[i])) {
      differences.push_back(what + " #" + std::to_string(i + 1) + ": message \"" + describe(a[i]) +
                            "\", packet \"" + describe(b[i]) + "\"");
      return;
    }
  }
  if (a.size() != b.size()) {
    differences.push_back(what + ": message " + std::to_string(a.size()) + ", packet " + std::to_string(b.size()));
  }
}

}  // namespace

CrossCheck compare_runs(const RunReport& message, const RunReport& packet) {
  CrossCheck check;
  check.name = message.name;
  check.message_passed = message.passed;
  check.packet_passed = packet.passed;
  check.message_stats = message.stats;
  check.packet_stats = packet.stats;
  auto failed_expectations = [](const RunReport& report) {
    std::vector<std::string> failed;
    for (const auto& failure : report.failures) failed.push_back(failure.pointer.empty() ? failure.summary : failure.pointer);
    std::sort(failed.begin(), failed.end());
    return failed;
  };
  if (failed_expectations(message) != failed_expectations(packet)) {
    std::string line = "failed expectations: message {";
    for (const auto& f : failed_expectations(message)) line += " " + f;
    line += " }, packet {";
    for (const auto& f : failed_expectations(packet)) line += " " + f;
    check.differences.push_back(line + " }");
  }
  double sum = 0, sum_abs = 0, max_abs = 0, message_sum = 0;
  for (std::size_t w = 0; w < std::min(message.records.size(), packet.records.size()); ++w) {
    const std::string who = message.wallet_ids[w];
    const auto& a = message.records[w];
    const auto& b = packet.records[w];
    // Connects per peer, in order: concurrent connects may finish in another order.
    const auto by_peer_a = connects_by_peer(a);
    const auto by_peer_b = connects_by_peer(b);
    for (const auto& [peer, list] : by_peer_a) {
      static const std::vector<const sim::ConnectRecord*> none;
      auto it = by_peer_b.find(peer);
      compare_sequences(who + " connect to " + peer, list, it == by_peer_b.end() ? none : it->second,
                        describe_connect_ptr, check.differences);
    }
    for (const auto& [peer, list] : by_peer_b) {
      if (!by_peer_a.count(peer)) {
        check.differences.push_back(who + " connect to " + peer + ": message 0, packet " + std::to_string(list.size()));
      }
    }
    compare_sequences(who + " session", a.sessions, b.sessions, describe_session, check.differences);
    const auto last_a = final_statuses(a);
    const auto last_b = final_statuses(b);
    if (last_a != last_b && last_a.size() < last_b.size()) {
      check.differences.push_back(who + ": statuses for " + std::to_string(last_a.size()) + " peers (message), " +
                                  std::to_string(last_b.size()) + " (packet)");
    } else if (last_a != last_b) {
      for (const auto& [peer, status] : last_a) {
        auto it = last_b.find(peer);
        if (it == last_b.end() || it->second != status) {
          check.differences.push_back(who + " final status of " + peer + ": message " + status + ", packet " +
                                      (it == last_b.end() ? "none" : it->second));
          break;
        }
      }
    }
    for (const auto& [peer, list] : by_peer_a) {
      auto it = by_peer_b.find(peer);
      if (it == by_peer_b.end()) continue;
      for (std::size_t i = 0; i < std::min(list.size(), it->second.size()); ++i) {
      const double da = ms(list[i]->finished - list[i]->started);
      const double db = ms(it->second[i]->finished - it->second[i]->started);
      sum += db - da;
      sum_abs += std::abs(db - da);
      max_abs = std::max(max_abs, std::abs(db - da));
      message_sum += da;
      ++check.timing.matched;
      }
    }
  }
  if (check.timing.matched > 0) {
    const auto n = static_cast<double>(check.timing.matched);
    check.timing.mean_ms = sum / n;
    check.timing.mean_abs_ms = sum_abs / n;
    check.timing.max_abs_ms = max_abs;
    check.timing.message_mean_ms = message_sum / n;
  }
  return check;
}

namespace {

/// The scenario run with `options` on the fast model, then on packets.
std::pair<RunReport, RunReport> run_on_both(const Scenario& scenario, RunOptions options) {
  options.backend = Backend::message;
  RunReport message = run_scenario(scenario, options);
  options.backend = Backend::packet;
  return {std::move(message), run_scenario(scenario, options)};
}

}  // namespace

CrossCheck cross_check(const Scenario& scenario, RunOptions options) {
  const auto [message, packet] = run_on_both(scenario, std::move(options));
  return compare_runs(message, packet);
}

double SeedSweep::Side::percentile(double p) const {
  if (connect_ms.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(connect_ms.size())));
  return connect_ms[std::min(connect_ms.size(), std::max<std::size_t>(rank, 1)) - 1];
}

namespace {

void tally(SeedSweep::Side& side, const RunReport& report) {
  for (const auto& records : report.records) {
    for (const auto& connect : records.connects) {
      ++side.connects;
      if (connect.result.success) ++side.succeeded;
      if (connect.result.connection_type == store::ConnectionType::webrtc) ++side.webrtc;
      side.connect_ms.push_back(ms(connect.finished - connect.started));
    }
  }
}

}  // namespace

SeedSweep cross_check_seeds(const Scenario& scenario, std::uint64_t first_seed, std::size_t seeds,
                            RunOptions options) {
  SeedSweep sweep;
  sweep.name = scenario.name;
  sweep.seeds = seeds;
  for (std::size_t i = 0; i < seeds; ++i) {
    options.seed = first_seed + i;
    const auto [message, packet] = run_on_both(scenario, options);
    if (compare_runs(message, packet).equal()) ++sweep.equal;
    sweep.message_passed += message.passed ? 1 : 0;
    sweep.packet_passed += packet.passed ? 1 : 0;
    tally(sweep.message, message);
    tally(sweep.packet, packet);
  }
  std::sort(sweep.message.connect_ms.begin(), sweep.message.connect_ms.end());
  std::sort(sweep.packet.connect_ms.begin(), sweep.packet.connect_ms.end());
  return sweep;
}

std::string seed_sweep_line(const SeedSweep& sweep) {
  auto share = [](std::size_t part, std::size_t whole) {
    return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  };
  char text[512];
  std::snprintf(text, sizeof text,
                "%s: %zu seeds, outcomes equal in %zu; passed message %zu, packet %zu; connects ok "
                "%.1f%% / %.1f%%; webrtc %.1f%% / %.1f%%; connect time p50 %.0f / %.0f ms, p90 %.0f / "
                "%.0f ms, p99 %.0f / %.0f ms (message / packet)",
                sweep.name.c_str(), sweep.seeds, sweep.equal, sweep.message_passed, sweep.packet_passed,
                share(sweep.message.succeeded, sweep.message.connects), share(sweep.packet.succeeded, sweep.packet.connects),
                share(sweep.message.webrtc, sweep.message.connects), share(sweep.packet.webrtc, sweep.packet.connects),
                sweep.message.percentile(0.5), sweep.packet.percentile(0.5), sweep.message.percentile(0.9),
                sweep.packet.percentile(0.9), sweep.message.percentile(0.99), sweep.packet.percentile(0.99));
  return text;
}

std::string cross_check_line(const CrossCheck& check) {
  char timing[200];
  std::snprintf(timing, sizeof timing,
                "%zu connects, packet - message: mean %+.1f ms, mean |d| %.1f ms, max |d| %.1f ms "
                "(message mean %.1f ms); %llu packets",
                check.timing.matched, check.timing.mean_ms, check.timing.mean_abs_ms, check.timing.max_abs_ms,
                check.timing.message_mean_ms, static_cast<unsigned long long>(check.packet_stats.packets));
  std::string line = (check.equal() ? "SAME " : "DIFF ") + check.name + ": ";
  line += std::string("message ") + (check.message_passed ? "PASS" : "FAIL") + ", packet " +
          (check.packet_passed ? "PASS" : "FAIL") + "; " + timing;
  if (!check.equal()) line += "; first difference: " + check.differences.front();
  return line;
}

}  // namespace connsim::scenarios
