#include "store/contacts_store.hpp"

namespace connsim::store {

void ContactsStore::update_last_seen(const PeerId& peer) {
  last_seen_[peer] = clock_.now_ms();
  ++updates_;
}

std::optional<EpochMs> ContactsStore::last_seen(const PeerId& peer) const {
  auto it = last_seen_.find(peer);
  if (it == last_seen_.end()) return std::nullopt;
  return it->second;
}

}  // namespace connsim::store
