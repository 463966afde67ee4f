// ContactsStore: stores/contacts.ts, the part the connection work touches
// (`updateLastSeen(peerId)` after every successful connect).
#pragma once

#include <map>
#include <optional>

#include "store/clock.hpp"
#include "store/types.hpp"

namespace connsim::store {

class ContactsStore {
 public:
  explicit ContactsStore(Clock& clock) : clock_(clock) {}

  /// updateLastSeen: records Date.now() as the peer's last-seen time.
  void update_last_seen(const PeerId& peer);
  /// When the peer was last seen, if ever.
  std::optional<EpochMs> last_seen(const PeerId& peer) const;
  std::size_t update_count() const { return updates_; }

 private:
  Clock& clock_;
  std::map<PeerId, EpochMs> last_seen_;
  std::size_t updates_ = 0;
};

}  // namespace connsim::store
