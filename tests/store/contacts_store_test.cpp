// ContactsStore: updateLastSeen records Date.now() of the store's clock.
#define BOOST_TEST_MODULE store_contacts
#include "store/contacts_store.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/store_harness.hpp"

using namespace connsim::store;
using namespace connsim::testing;

BOOST_AUTO_TEST_CASE(a_peer_never_seen_has_no_last_seen) {
  boost::asio::io_context io;
  ManualClock clock(io);
  ContactsStore contacts(clock);
  BOOST_TEST(!contacts.last_seen(kAlice).has_value());
  BOOST_TEST(contacts.update_count() == 0u);
}

BOOST_AUTO_TEST_CASE(update_last_seen_records_the_clock_in_whole_milliseconds_and_overwrites) {
  boost::asio::io_context io;
  ManualClock clock(io, std::chrono::microseconds(1'500'700));  // 1500.7 ms: Date.now() floors
  ContactsStore contacts(clock);
  contacts.update_last_seen(kAlice);
  BOOST_TEST(contacts.last_seen(kAlice).value_or(-1) == 1500);
  clock.advance(std::chrono::seconds(42));
  contacts.update_last_seen(kAlice);
  BOOST_TEST(contacts.last_seen(kAlice).value_or(-1) == 43500);
  BOOST_TEST(!contacts.last_seen(kBob).has_value());
  BOOST_TEST(contacts.update_count() == 2u);
}
