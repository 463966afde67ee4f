// PeerPositionIndex: every inserted peer id is found at its position through growth, absent ids
// are not found, ids whose 32-bit hashes collide are told apart by the key, and the table stays
// at most 3/4 full and at most twice the size rounded up to a power of two.
#define BOOST_TEST_MODULE store_peer_position_index
#include "store/peer_position_index.hpp"

#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using connsim::store::PeerPositionIndex;

namespace {

std::string peer_id(std::size_t i) { return "12D3KooWsim" + std::to_string(i * 7919) + "peer"; }

}  // namespace

BOOST_AUTO_TEST_CASE(an_empty_index_finds_nothing) {
  const PeerPositionIndex index;
  const std::vector<std::string> keys;
  BOOST_TEST(!index.find("anyone", [&](std::size_t i) { return keys.at(i); }).has_value());
  BOOST_TEST(index.size() == 0u);
  BOOST_TEST(index.capacity() == 0u);
}

BOOST_AUTO_TEST_CASE(every_inserted_id_is_found_at_its_position_through_growth) {
  PeerPositionIndex index;
  std::vector<std::string> keys;
  const auto key_at = [&](std::size_t i) -> const std::string& { return keys.at(i); };
  for (std::size_t i = 0; i < 5000; ++i) {
    BOOST_TEST(!index.find(peer_id(i), key_at).has_value());
    keys.push_back(peer_id(i));
    index.insert(keys.back(), i);
    BOOST_TEST(index.size() == i + 1);
    BOOST_TEST(index.size() * 4 <= index.capacity() * 3);  // at most 3/4 full
    BOOST_TEST(index.capacity() <= 2 * 8192u);
  }
  for (std::size_t i = 0; i < 5000; ++i) {
    const auto found = index.find(peer_id(i), key_at);
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(*found == i);
  }
  BOOST_TEST(!index.find("12D3KooWsim-not-there", key_at).has_value());
  BOOST_TEST(!index.find("", key_at).has_value());
}

BOOST_AUTO_TEST_CASE(positions_need_not_follow_insertion_order) {
  PeerPositionIndex index;
  const std::vector<std::string> keys{"carol", "alice", "bob"};
  const auto key_at = [&](std::size_t i) -> const std::string& { return keys.at(i); };
  index.insert("bob", 2);
  index.insert("carol", 0);
  index.insert("alice", 1);
  BOOST_TEST(*index.find("alice", key_at) == 1u);
  BOOST_TEST(*index.find("bob", key_at) == 2u);
  BOOST_TEST(*index.find("carol", key_at) == 0u);
  BOOST_TEST(!index.find("dave", key_at).has_value());
}

BOOST_AUTO_TEST_CASE(a_matching_hash_alone_is_not_a_match) {
  // key_at answers a different key for the stored position: the probe must compare keys, not
  // only hashes, and so find nothing.
  PeerPositionIndex index;
  index.insert("alice", 0);
  BOOST_TEST(!index.find("alice", [](std::size_t) { return std::string("mallory"); }).has_value());
  BOOST_TEST(index.find("alice", [](std::size_t) { return std::string("alice"); }).has_value());
}
