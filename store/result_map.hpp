// ResultMap: JavaScript's Map<string, V> as the seed uses it: iteration in insertion order,
// and set() on an existing key replaces the value in place.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace connsim::store {

template <typename V>
class ResultMap {
 public:
  using Entry = std::pair<std::string, V>;

  void set(const std::string& key, V value) {
    for (auto& entry : entries_) {
      if (entry.first == key) {
        entry.second = std::move(value);
        return;
      }
    }
    entries_.emplace_back(key, std::move(value));
  }
  const V* get(const std::string& key) const {
    for (const auto& entry : entries_) {
      if (entry.first == key) return &entry.second;
    }
    return nullptr;
  }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace connsim::store
