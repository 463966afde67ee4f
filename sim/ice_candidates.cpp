#include "sim/ice_candidates.hpp"

#include <chrono>

#include "store/splitmix64.hpp"

namespace connsim::sim::ice {

std::string_view to_string(CandidateType type) {
  return spelling_of(type);
}

bool take_check_turn(RemoteCandidate& remote, int max_periodic_checks) {
  if (remote.succeeded) return false;
  if (remote.triggered) {
    remote.triggered = false;
    return true;
  }
  if (max_periodic_checks > 0 && remote.periodic_checks >= max_periodic_checks) return false;
  ++remote.periodic_checks;
  return true;
}

RemoteCandidate* find_candidate(std::vector<RemoteCandidate>& remotes, Endpoint address) {
  for (RemoteCandidate& remote : remotes) {
    if (remote.address == address) return &remote;
  }
  return nullptr;
}

void add_candidate(std::vector<RemoteCandidate>& remotes, Endpoint address, CandidateType type) {
  if (find_candidate(remotes, address) == nullptr) remotes.push_back(RemoteCandidate{address, type});
}

std::string format_ms(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  std::string text = std::to_string(us / 1000);
  if (us % 1000 != 0) {
    std::string frac = std::to_string(1000 + us % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    text += '.' + frac;
  }
  return text + " ms";
}

std::uint64_t mix(std::uint64_t x) {
  return store::splitmix64(x);
}

}  // namespace connsim::sim::ice
