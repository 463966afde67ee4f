// Shards: "I/N" parsed strictly, and the split rule (item k is shard (k mod N)+1's) gives every
// item to exactly one shard, with share_of and item_at agreeing with owns.
#define BOOST_TEST_MODULE sweep_shard
#include "apps/sweep/shard.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

using namespace connsim::sweep;

namespace {

std::string refusal_of(const std::string& text) {
  std::string error;
  BOOST_TEST_CONTEXT(text) { BOOST_TEST(!parse_shard(text, error).has_value()); }
  return error;
}

}  // namespace

BOOST_AUTO_TEST_CASE(valid_shards_parse) {
  std::string error;
  const auto shard = parse_shard("2/4", error);
  BOOST_REQUIRE(shard.has_value());
  BOOST_TEST(shard->index == 2u);
  BOOST_TEST(shard->count == 4u);
  BOOST_TEST(shard->text() == "2/4");
  BOOST_TEST(shard->file_stem() == "shard-2-of-4");
  BOOST_TEST(parse_shard("1/1", error).has_value());
  BOOST_TEST(parse_shard("100000/100000", error).has_value());
  BOOST_TEST(error.empty());
}

BOOST_AUTO_TEST_CASE(bad_shards_are_refused_with_the_expected_form_and_the_text) {
  BOOST_TEST(refusal_of("0/4") ==
             "expected I/N with 1 <= I <= N <= 100000, e.g. 2/4; got \"0/4\" (I out of range)");
  BOOST_TEST(refusal_of("5/4").find("(I out of range)") != std::string::npos);
  BOOST_TEST(refusal_of("1/0").find("(N out of range)") != std::string::npos);
  BOOST_TEST(refusal_of("1/100001").find("(N out of range)") != std::string::npos);
  BOOST_TEST(refusal_of("3").find("(no /)") != std::string::npos);
  for (const char* text : {"", "/", "1/", "/2", "-1/4", "+1/4", "1 /4", "1/4 ", "a/b", "1.0/4",
                           "1/4/5", "99999999999999999999/1"}) {
    BOOST_TEST(refusal_of(text).find("got \"" + std::string(text) + "\"") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(every_item_belongs_to_exactly_one_shard_round_robin) {
  for (std::size_t count : {1u, 2u, 3u, 7u, 16u}) {
    for (std::size_t total : {0u, 1u, 5u, 16u, 17u, 100u}) {
      BOOST_TEST_CONTEXT(total << " items in " << count << " shards") {
        std::vector<int> owners(total, 0);
        std::size_t shares = 0;
        for (std::size_t index = 1; index <= count; ++index) {
          const Shard shard{index, count};
          std::vector<std::size_t> owned;
          for (std::size_t k = 0; k < total; ++k) {
            if (!shard.owns(k)) continue;
            owned.push_back(k);
            ++owners[k];
            BOOST_TEST(k % count + 1 == index);
          }
          BOOST_TEST(shard.share_of(total) == owned.size());
          for (std::size_t k = 0; k < owned.size(); ++k) BOOST_TEST(shard.item_at(k) == owned[k]);
          shares += shard.share_of(total);
          // Shares differ by at most one item.
          BOOST_TEST(shard.share_of(total) + 1 >= (total + count - 1) / count);
        }
        BOOST_TEST(shares == total);
        for (int n : owners) BOOST_TEST(n == 1);
      }
    }
  }
}
