// stores/contacts.ts: the part the connection work touches (`updateLastSeen` after every
// successful connect).
import { defineStore } from 'pinia'

export const useContactsStore = defineStore('contacts', {
  state: () => ({
    lastSeen: new Map<string, number>(),
    updateCount: 0,
  }),
  actions: {
    /** Records Date.now() as the peer's last-seen time. */
    updateLastSeen(peerId: string) {
      this.lastSeen.set(peerId, Date.now())
      this.updateCount += 1
    },
  },
})
