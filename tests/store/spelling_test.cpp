// store/spelling.hpp: the one spelling table beside each enum, and every table of the store.
#define BOOST_TEST_MODULE store_spelling
#include "store/spelling.hpp"

#include <boost/test/unit_test.hpp>
#include <array>

#include "store/connect_concurrency.hpp"
#include "store/connection_service.hpp"
#include "store/musig2_store.hpp"
#include "store/p2p_store.hpp"
#include "store/retry_policy.hpp"
#include "store/types.hpp"
#include "tests/support/spelling_checks.hpp"

namespace {

using connsim::Spelling;

enum class Colour { red, green, blue };
// Listed in another order than the enum's: pairs.
constexpr auto kColours = std::to_array<Spelling<Colour>>(
    {{Colour::green, "green"}, {Colour::red, "red"}, {Colour::blue, "blue"}});
connsim::SpellingTable<kColours> spellings(Colour);

enum class Size { small, large };
constexpr auto kSizes = connsim::in_enum_order<Size>("small", "large");
connsim::SpellingTable<kSizes> spellings(Size);

constexpr auto kRepeatedWord = connsim::in_enum_order<Colour>("red", "red", "blue");
constexpr auto kEmptyWord = connsim::in_enum_order<Colour>("red", "", "blue");
constexpr auto kMissingValue = connsim::in_enum_order<Colour>("red", "green");
constexpr auto kRepeatedValue = std::to_array<Spelling<Colour>>(
    {{Colour::red, "red"}, {Colour::red, "green"}, {Colour::blue, "blue"}});

}  // namespace

using connsim::is_spelling_table;
using connsim::parse_spelling;
using connsim::spelling_of;

BOOST_AUTO_TEST_CASE(a_table_in_any_order_spells_and_parses_every_value) {
  static_assert(is_spelling_table(kColours, Colour::blue));
  BOOST_TEST(spelling_of(Colour::red) == "red");
  BOOST_TEST(spelling_of(Colour::green) == "green");
  BOOST_TEST((parse_spelling<Colour>("green") == Colour::green));
  BOOST_TEST(!parse_spelling<Colour>("Green").has_value());
  BOOST_TEST(spelling_of(static_cast<Colour>(7)) == "?");
  BOOST_TEST(spelling_of(Size::large) == "large");
  BOOST_TEST((parse_spelling<Size>("small") == Size::small));
  connsim::testing::check_spelling_tables(Colour::blue, Size::large);
}

BOOST_AUTO_TEST_CASE(a_table_that_repeats_or_misses_anything_is_refused) {
  static_assert(!is_spelling_table(kRepeatedWord, Colour::blue));
  static_assert(!is_spelling_table(kRepeatedValue, Colour::blue));
  static_assert(!is_spelling_table(kMissingValue, Colour::blue));
  static_assert(!is_spelling_table(kEmptyWord, Colour::blue));
  static_assert(!is_spelling_table(kColours, Colour::green));  // more words than values
  BOOST_TEST(!is_spelling_table(kRepeatedWord, Colour::blue));
}

BOOST_AUTO_TEST_CASE(every_store_enum_has_one_distinct_spelling_per_value) {
  using namespace connsim::store;
  connsim::testing::check_spelling_tables(
      ConnectionStatus::failed, ConnectionType::none, RetryKind::deadline_bounded,
      PresenceUpdate::merge_keep, ConcurrencyMode::window, SessionState::failed,
      DirectStepFilter::fixed, PeerExchangeReader::fixed);
}

BOOST_AUTO_TEST_CASE(the_format_spells_the_shipped_behaviours_and_retry_kinds_its_own_way) {
  using namespace connsim::store;
  BOOST_TEST(spelling_of(DirectStepFilter::shipped_inverted) == "shipped");
  BOOST_TEST(spelling_of(PeerExchangeReader::shipped_mismatched) == "shipped");
  BOOST_TEST((parse_retry_kind("exponential-jitter") == RetryKind::exponential_jitter));
  BOOST_TEST(connsim::spelling_table<RetryKind>().front().text == "exponential");  // the seed's, first
}
