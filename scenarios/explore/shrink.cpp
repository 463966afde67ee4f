#include "scenarios/explore/shrink.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "scenarios/loader.hpp"

namespace connsim::scenarios::explore {
namespace {

using json = nlohmann::json;

json array_at(const json& doc, const char* key) { return doc.contains(key) ? doc[key] : json::array(); }

/// `ids` removed from a list of ids; nullopt-like empty result tells the caller the list emptied.
json without_ids(const json& list, const std::set<std::string>& ids) {
  json out = json::array();
  for (const json& item : list) {
    if (!(item.is_string() && ids.count(item.get<std::string>()) > 0)) out.push_back(item);
  }
  return out;
}

/// The document without the wallets or relays in `ids`: steps that name one go, lists that
/// name one lose it (a partition side, connect_many peers, shared wallet participants, a
/// wallet's relays), and what empties goes too.
json without_hosts(const json& doc, const std::set<std::string>& ids) {
  json out = doc;
  json wallets = json::array();
  for (const json& w : array_at(doc, "wallets")) {
    if (ids.count(w["id"].get<std::string>()) > 0) continue;
    json kept = w;
    if (kept.contains("relays")) kept["relays"] = without_ids(kept["relays"], ids);
    wallets.push_back(kept);
  }
  out["wallets"] = wallets;
  if (doc.contains("network") && doc["network"].contains("relays")) {
    json relays = json::array();
    for (const json& r : doc["network"]["relays"]) {
      if (ids.count(r["id"].get<std::string>()) == 0) relays.push_back(r);
    }
    out["network"]["relays"] = relays;
  }
  std::set<std::string> gone_shared;
  json shared = json::array();
  for (const json& s : array_at(doc, "shared_wallets")) {
    json kept = s;
    kept["participants"] = without_ids(s["participants"], ids);
    if (kept["participants"].empty()) {
      gone_shared.insert(s["id"].get<std::string>());
      continue;
    }
    shared.push_back(kept);
  }
  if (doc.contains("shared_wallets")) out["shared_wallets"] = shared;
  json timeline = json::array();
  for (const json& step : array_at(doc, "timeline")) {
    bool drop = false;
    for (const char* key : {"wallet", "peer", "relay"}) {
      if (step.contains(key) && ids.count(step[key].get<std::string>()) > 0) drop = true;
    }
    if (step.contains("shared_wallet") && gone_shared.count(step["shared_wallet"].get<std::string>()) > 0) drop = true;
    if (drop) continue;
    json kept = step;
    if (step.contains("peers")) kept["peers"] = without_ids(step["peers"], ids);
    if (step.contains("between")) {
      kept["between"][0] = without_ids(step["between"][0], ids);
      kept["between"][1] = without_ids(step["between"][1], ids);
      if (kept["between"][0].empty() || kept["between"][1].empty()) continue;
    }
    timeline.push_back(kept);
  }
  out["timeline"] = timeline;
  return out;
}

void add_timeline_cuts(const json& doc, std::vector<json>& out) {
  const json timeline = array_at(doc, "timeline");
  const std::size_t n = timeline.size();
  for (std::size_t chunk = std::max<std::size_t>(n / 2, 1); chunk >= 1; chunk /= 2) {
    for (std::size_t from = 0; from < n; from += chunk) {
      json kept = json::array();
      for (std::size_t i = 0; i < n; ++i) {
        if (i < from || i >= from + chunk) kept.push_back(timeline[i]);
      }
      json candidate = doc;
      candidate["timeline"] = kept;
      out.push_back(std::move(candidate));
    }
    if (chunk == 1) break;
  }
}

/// Candidates that remove one key of the object at `pointer` (each listed key present).
void add_key_removals(const json& doc, const json::json_pointer& pointer, std::initializer_list<const char*> keys,
                      std::vector<json>& out) {
  if (!doc.contains(pointer) || !doc[pointer].is_object()) return;
  for (const char* key : keys) {
    if (!doc[pointer].contains(key)) continue;
    json candidate = doc;
    candidate[pointer].erase(key);
    out.push_back(std::move(candidate));
  }
}

void add_value(const json& doc, const json::json_pointer& pointer, const json& value, std::vector<json>& out) {
  if (!doc.contains(pointer) || doc[pointer] == value) return;
  json candidate = doc;
  candidate[pointer] = value;
  out.push_back(std::move(candidate));
}

void add_simplifications(const json& doc, std::vector<json>& out) {
  using ptr = json::json_pointer;
  const json wallets = array_at(doc, "wallets");
  for (std::size_t w = 0; w < wallets.size(); ++w) {
    const std::string at = "/wallets/" + std::to_string(w);
    add_value(doc, ptr(at + "/nat"), "none", out);
    add_key_removals(doc, ptr(at), {"store", "nickname", "relay_reconnect", "relays", "access_latency"}, out);
    if (wallets[w].contains("store")) {
      add_key_removals(doc, ptr(at + "/store"), {"retry", "concurrency", "presence_update", "mark_disconnected_on_close",
                                                 "dedupe_concurrent_connects", "direct_filter", "peer_exchange_reader",
                                                 "musig2"},
                       out);
    }
  }
  add_key_removals(doc, ptr("/network"), {"loss"}, out);
  add_value(doc, ptr("/network/latency"), "10ms", out);
  const json relays = doc.contains("network") ? array_at(doc["network"], "relays") : json::array();
  for (std::size_t r = 0; r < relays.size(); ++r) {
    add_key_removals(doc, ptr("/network/relays/" + std::to_string(r)),
                     {"implementation", "max_reservations", "circuit_duration", "circuit_bytes"}, out);
  }
  const json timeline = array_at(doc, "timeline");
  for (std::size_t i = 0; i < timeline.size(); ++i) {
    const std::string at = "/timeline/" + std::to_string(i);
    const json& step = timeline[i];
    if (step.contains("repeat")) {
      add_key_removals(doc, ptr(at), {"repeat"}, out);
      const json& times = step["repeat"].value("times", json(nullptr));
      if (times.is_number_integer() && times.get<std::int64_t>() > 1) {
        add_value(doc, ptr(at + "/repeat/times"), (times.get<std::int64_t>() + 1) / 2, out);
        add_value(doc, ptr(at + "/repeat/times"), times.get<std::int64_t>() - 1, out);
      }
    }
    if (step.contains("peers") && step["peers"].size() > 1) {
      for (std::size_t k = 0; k < step["peers"].size(); ++k) {
        json candidate = doc;
        candidate["timeline"][i]["peers"].erase(k);
        out.push_back(std::move(candidate));
      }
    }
    if (step.contains("set_network") || step.value("do", "") == "set_network") add_key_removals(doc, ptr(at), {"loss"}, out);
  }
  // An earlier end: just after the last step (repeats and `for` included) plus the slack a
  // connect's retries need.
  if (doc.contains("until")) {
    Duration last = Duration::zero();
    for (const json& step : timeline) {
      Duration end = parse_time(step["at"].get<std::string>()).value_or(Duration::zero());
      if (step.contains("repeat") && step["repeat"].contains("times")) {
        end += parse_time(step["repeat"]["every"].get<std::string>()).value_or(Duration::zero()) *
               (step["repeat"]["times"].get<std::int64_t>() - 1);
      }
      if (step.contains("for")) end += parse_time(step["for"].get<std::string>()).value_or(Duration::zero());
      last = std::max(last, end);
    }
    const Duration until = parse_time(doc["until"].get<std::string>()).value_or(Duration::zero());
    const Duration shorter = std::chrono::duration_cast<std::chrono::seconds>(last) + std::chrono::seconds(90);
    if (shorter < until) add_value(doc, ptr("/until"), format_time(shorter), out);
  }
}

}  // namespace

std::vector<json> shrink_candidates(const json& doc) {
  std::vector<json> out;
  for (const json& w : array_at(doc, "wallets")) out.push_back(without_hosts(doc, {w["id"].get<std::string>()}));
  add_timeline_cuts(doc, out);
  if (doc.contains("network")) {
    for (const json& r : array_at(doc["network"], "relays")) out.push_back(without_hosts(doc, {r["id"].get<std::string>()}));
  }
  const json expect = array_at(doc, "expect");
  for (std::size_t e = 0; e < expect.size(); ++e) {
    json candidate = doc;
    candidate["expect"].erase(e);
    out.push_back(std::move(candidate));
  }
  if (doc.contains("shared_wallets") && !doc["shared_wallets"].empty()) {
    json candidate = doc;
    candidate.erase("shared_wallets");
    out.push_back(std::move(candidate));
  }
  add_simplifications(doc, out);
  return out;
}

ShrinkResult shrink_scenario(const json& failing, const CandidateTester& test, std::size_t batch,
                             std::size_t max_tests) {
  ShrinkResult result;
  result.scenario = failing;
  batch = std::max<std::size_t>(batch, 1);
  bool progressed = true;
  while (progressed && result.tests < max_tests) {
    progressed = false;
    std::vector<json> candidates;
    for (json& candidate : shrink_candidates(result.scenario)) {
      if (load_scenario_text(candidate.dump(), "candidate.json").ok()) candidates.push_back(std::move(candidate));
    }
    for (std::size_t from = 0; from < candidates.size() && result.tests < max_tests; from += batch) {
      const std::size_t to = std::min({candidates.size(), from + batch, from + (max_tests - result.tests)});
      const std::vector<json> slice(candidates.begin() + static_cast<std::ptrdiff_t>(from),
                                    candidates.begin() + static_cast<std::ptrdiff_t>(to));
      const std::vector<bool> fails = test(slice);
      const auto first = std::find(fails.begin(), fails.end(), true);
      // Counted as if tested one by one, so that the budget ends at the same candidate
      // whatever the batch size.
      const auto tried = static_cast<std::size_t>(first - fails.begin()) + (first == fails.end() ? 0 : 1);
      result.tests += tried;
      if (first == fails.end()) continue;
      result.scenario = slice[tried - 1];
      ++result.accepted;
      progressed = true;
      break;
    }
  }
  return result;
}

std::size_t scenario_size(const json& doc) {
  std::size_t size = array_at(doc, "wallets").size() + array_at(doc, "timeline").size() + array_at(doc, "expect").size();
  if (doc.contains("network")) size += array_at(doc["network"], "relays").size();
  return size;
}

}  // namespace connsim::scenarios::explore
