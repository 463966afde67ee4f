// Every enum of the simulator and the scenario format has one spelling table beside it
// (store/spelling.hpp); the loader, the schema, the reporters, sweep and the history all use it.
#define BOOST_TEST_MODULE scenarios_spellings
#include <boost/test/unit_test.hpp>

#include "scenarios/model.hpp"
#include "sim/config.hpp"
#include "sim/history_entries.hpp"
#include "sim/ice_candidates.hpp"
#include "sim/nat.hpp"
#include "tests/support/spelling_checks.hpp"

BOOST_AUTO_TEST_CASE(every_simulator_and_format_enum_has_one_distinct_spelling_per_value) {
  using namespace connsim::sim;
  using namespace connsim::scenarios;
  connsim::testing::check_spelling_tables(
      NatBehaviour::address_and_port_dependent, ice::CandidateType::prflx, RelayImplementation::js,
      StoreImplementation::js, HistoryKind::lifecycle, LifecycleChange::reload,
      ReservationOutcome::lost, Backend::live, ActionKind::set_network, EventsMode::exact,
      Getter::peer_status, Metric::connections_per_sim_second);
}

BOOST_AUTO_TEST_CASE(the_nat_abbreviations_and_classic_nats_are_tables_too) {
  using namespace connsim::sim;
  static_assert(connsim::is_spelling_table(kNatBehaviourAbbreviations,
                                           NatBehaviour::address_and_port_dependent));
  for (const auto& classic : kClassicNats) {
    BOOST_TEST_CONTEXT(classic.text) {
      BOOST_TEST((parse_nat_config(classic.text) == classic.value));
      BOOST_TEST(describe(classic.value) == classic.text);
    }
  }
  BOOST_TEST(
      (parse_nat_config("APDM+EIF") == NatConfig::of(NatBehaviour::address_and_port_dependent,
                                                     NatBehaviour::endpoint_independent)));
  BOOST_TEST(!parse_nat_config("XYM+EIF").has_value());
}
