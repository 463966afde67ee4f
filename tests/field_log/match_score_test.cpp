// scenarios/field_log/match_score.hpp: a run's log scored against a field log: the longest
// in-order alignment within the time tolerance, the least time error among those, extras counted.
#define BOOST_TEST_MODULE field_log_match_score
#include <boost/test/unit_test.hpp>

#include "scenarios/field_log/match_score.hpp"

using namespace connsim::scenarios::field_log;

namespace {

LogEntry status(std::int64_t t, const std::string& peer, const std::string& value) {
  LogEntry e;
  e.t_ms = t;
  e.kind = EntryKind::status;
  e.peer = peer;
  e.status = value;
  return e;
}

LogEntry activity(std::int64_t t, const std::string& message) {
  LogEntry e;
  e.t_ms = t;
  e.kind = EntryKind::activity;
  e.type = "info";
  e.message = message;
  return e;
}

FieldLog log_of(std::vector<LogEntry> entries) {
  FieldLog log;
  log.peer_id = "bob";
  log.entries = std::move(entries);
  return log;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_same_log_matches_completely) {
  const FieldLog field = log_of({status(0, "a", "connecting"), activity(0, "x"), status(700, "a", "connected")});
  const MatchScore score = score_match(field, field, {});
  BOOST_TEST(score.complete());
  BOOST_TEST(score.matched == 3u);
  BOOST_TEST(score.extra == 0u);
  BOOST_TEST(score.time_error_ms == 0);
  BOOST_TEST(score.summary() == "3/3 observations in order (100.0%), 0 extra, mean |dt| 0.0 ms");
}

BOOST_AUTO_TEST_CASE(times_beyond_the_tolerance_do_not_match) {
  const FieldLog field = log_of({status(0, "a", "connecting"), status(700, "a", "connected")});
  const FieldLog run = log_of({status(0, "a", "connecting"), status(1800, "a", "connected")});
  BOOST_TEST(score_match(field, run, {1000}).matched == 1u);
  const MatchScore loose = score_match(field, run, {1100});
  BOOST_TEST(loose.matched == 2u);
  BOOST_TEST(loose.time_error_ms == 1100);
  BOOST_TEST(loose.mean_time_error_ms() == 550.0);
}

BOOST_AUTO_TEST_CASE(order_matters_and_extras_count) {
  const FieldLog field = log_of({activity(0, "a"), activity(0, "b")});
  const FieldLog swapped = log_of({activity(0, "b"), activity(0, "a"), activity(5, "c")});
  const MatchScore score = score_match(field, swapped, {});
  BOOST_TEST(score.matched == 1u);
  BOOST_TEST(score.extra == 2u);
  BOOST_TEST(!score.complete());
}

BOOST_AUTO_TEST_CASE(fields_must_agree) {
  LogEntry typed = status(10, "a", "connected");
  typed.connection_type = "relay";
  LogEntry other_type = typed;
  other_type.connection_type = "webrtc";
  BOOST_TEST(!same_observation(typed, other_type));
  BOOST_TEST(!same_observation(status(0, "a", "failed"), status(0, "b", "failed")));
  LogEntry session_a;
  session_a.kind = EntryKind::session;
  session_a.session_id = "pending-100";
  session_a.state = "completed";
  LogEntry session_b = session_a;
  session_b.session_id = "pending-103";  // ids carry a clock: not compared
  BOOST_TEST(same_observation(session_a, session_b));
}

BOOST_AUTO_TEST_CASE(the_alignment_with_the_least_time_error_is_chosen) {
  const FieldLog field = log_of({activity(1000, "x")});
  const FieldLog run = log_of({activity(400, "x"), activity(1100, "x")});
  const MatchScore score = score_match(field, run, {1000});
  BOOST_REQUIRE(score.pairs.size() == 1u);
  BOOST_TEST(score.pairs[0].second == 1u);
  BOOST_TEST(score.time_error_ms == 100);
}

BOOST_AUTO_TEST_CASE(libp2p_entries_are_not_scored) {
  LogEntry event;
  event.kind = EntryKind::libp2p;
  event.event = "peer:connect";
  event.peer = "a";
  const FieldLog field = log_of({event, activity(0, "x")});
  const MatchScore score = score_match(field, log_of({activity(0, "x")}), {});
  BOOST_TEST(score.observations == 1u);
  BOOST_TEST(score.complete());
}

BOOST_AUTO_TEST_CASE(scores_order_by_matched_then_extra_then_mean_error) {
  MatchScore more;
  more.observations = 4;
  more.matched = 3;
  more.extra = 5;
  more.time_error_ms = 900;
  MatchScore fewer = more;
  fewer.matched = 2;
  fewer.extra = 0;
  fewer.time_error_ms = 0;
  BOOST_TEST(more.better_than(fewer));
  BOOST_TEST(!fewer.better_than(more));
  MatchScore cleaner = more;
  cleaner.extra = 4;
  BOOST_TEST(cleaner.better_than(more));
  MatchScore closer = more;
  closer.time_error_ms = 899;
  BOOST_TEST(closer.better_than(more));
  BOOST_TEST(!more.better_than(more));
}
