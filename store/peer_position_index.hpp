// PeerPositionIndex: the P2P store's lookup from a peer id to its entry's position in the store's
// table of online peers (the table is append-only: entries are replaced in place, never removed).
//
// A flat open-addressing table (linear probing, at most 3/4 full) of (32 bits of the key's hash,
// position + 1) pairs: 8 bytes a slot, one allocation for the whole table, no copy of the peer ids
// (a probe whose hash matches compares the key with the one at that position, which the caller
// gives through `key_at`), and nothing to free per entry. It replaces an
// std::unordered_map<PeerId, size_t>, which cost two allocations and a copy of the id per peer.
// Lookup only, never iterated, so its layout cannot leak into what the store does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace connsim::store {

class PeerPositionIndex {
 public:
  /// The position stored for `key`, when there is one. `key_at(position)` returns the key of the
  /// entry at a position given to insert (anything convertible to std::string_view).
  template <class KeyAt>
  std::optional<std::size_t> find(std::string_view key, const KeyAt& key_at) const {
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t hash = hash_of(key);
    for (std::size_t i = hash & mask(); slots_[i].position_plus_one != 0; i = (i + 1) & mask()) {
      const Slot& slot = slots_[i];
      if (slot.hash == hash && std::string_view(key_at(slot.position_plus_one - 1)) == key) {
        return slot.position_plus_one - 1;
      }
    }
    return std::nullopt;
  }

  /// Records `position` for `key`, which must not be in the index yet (find it first).
  void insert(std::string_view key, std::size_t position) {
    if (position >= kMaxPositions) throw std::length_error("PeerPositionIndex: too many peers");
    if ((size_ + 1) * 4 > slots_.size() * 3) grow();
    place(Slot{hash_of(key), static_cast<std::uint32_t>(position + 1)});
    ++size_;
  }

  std::size_t size() const { return size_; }
  /// Slots allocated (for the tests and the memory estimate): at most twice the size rounded up.
  std::size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t position_plus_one = 0;  // 0: empty
  };
  static constexpr std::size_t kMaxPositions = 0xFFFFFFFEu;

  static std::uint32_t hash_of(std::string_view key) {
    const std::size_t h = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }
  std::size_t mask() const { return slots_.size() - 1; }

  void place(const Slot& slot) {
    std::size_t i = slot.hash & mask();
    while (slots_[i].position_plus_one != 0) i = (i + 1) & mask();
    slots_[i] = slot;
  }

  void grow() {
    std::vector<Slot> old(slots_.empty() ? 16 : slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& slot : old) {
      if (slot.position_plus_one != 0) place(slot);
    }
  }

  std::vector<Slot> slots_;  // a power of two in size, or empty
  std::size_t size_ = 0;
};

}  // namespace connsim::store
