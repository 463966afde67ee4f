#include "apps/sweep/junit_shards.hpp"

#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace connsim::sweep {
namespace {

constexpr const char* kCaseStart = "    <testcase ";
constexpr const char* kCaseEnd = "    </testcase>\n";
constexpr const char* kSuiteEnd = "  </testsuite>\n";

/// The value of attribute `name` in the first line of `text` starting at `from`.
std::optional<std::string> attribute(const std::string& text, std::size_t from, const std::string& name) {
  const std::size_t line_end = text.find('\n', from);
  const std::string key = " " + name + "=\"";
  const std::size_t at = text.find(key, from);
  if (at == std::string::npos || at > line_end) return std::nullopt;
  const std::size_t begin = at + key.size();
  const std::size_t end = text.find('"', begin);
  if (end == std::string::npos || end > line_end) return std::nullopt;
  return text.substr(begin, end - begin);
}

/// The value of <property name="`name`" value="..."/>, when the file has one.
std::optional<std::string> property(const std::string& xml, const std::string& name) {
  const std::string key = "<property name=\"" + name + "\" value=\"";
  const std::size_t at = xml.find(key);
  if (at == std::string::npos) return std::nullopt;
  const std::size_t begin = at + key.size();
  const std::size_t end = xml.find('"', begin);
  if (end == std::string::npos) return std::nullopt;
  return xml.substr(begin, end - begin);
}

/// What merge_junit_shards refuses, in its words (shards_by_index).
struct JunitRefusals {
  std::string none() const { return "no JUnit shards"; }
  std::optional<std::string> foreign(const JunitShard& first, const JunitShard& shard) const {
    if (shard.shard.count == first.shard.count && shard.scenarios == first.scenarios) {
      return std::nullopt;
    }
    return "shard " + shard.shard.text() + " of " + std::to_string(shard.scenarios) +
           " scenarios is not of the same run as shard " + first.shard.text() + " of " +
           std::to_string(first.scenarios);
  }
  std::optional<std::string> repeated(const JunitShard& shard, int /*copies*/) const {
    return "shard " + shard.shard.text() + " given twice";
  }
  std::optional<std::string> wrong_share(const JunitShard& shard) const {
    const std::size_t share = shard.shard.share_of(shard.scenarios);
    if (shard.cases.size() == share) return std::nullopt;
    return "shard " + shard.shard.text() + " holds " + std::to_string(shard.cases.size()) +
           " testcases; its share of " + std::to_string(shard.scenarios) + " is " +
           std::to_string(share);
  }
  std::optional<std::string> missing(const Shard& shard,
                                     const std::vector<std::string>& /*errors*/) const {
    return "missing shard " + shard.text();
  }
};

std::string seconds_text(double seconds) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6f", seconds);
  return buffer;
}

}  // namespace

std::optional<JunitShard> parse_junit_shard(const std::string& xml, std::string& error) {
  if (xml.find("<testsuite name=\"connsim\"") == std::string::npos) {
    error = "not a JUnit file written by connsim run";
    return std::nullopt;
  }
  const auto shard_text = property(xml, "connsim.shard");
  const auto scenarios_text = property(xml, "connsim.scenarios");
  if (!shard_text || !scenarios_text) {
    error = "no shard properties: write it with connsim run --shard I/N --junit FILE";
    return std::nullopt;
  }
  JunitShard out;
  std::string shard_error;
  const auto shard = parse_shard(*shard_text, shard_error);
  char* end = nullptr;
  const unsigned long long scenarios = std::strtoull(scenarios_text->c_str(), &end, 10);
  if (!shard || scenarios_text->empty() || *end != '\0') {
    error = "bad shard properties: connsim.shard \"" + *shard_text + "\", connsim.scenarios \"" +
            *scenarios_text + "\"";
    return std::nullopt;
  }
  out.shard = *shard;
  out.scenarios = static_cast<std::size_t>(scenarios);
  const std::size_t suite_end = xml.rfind(kSuiteEnd);
  if (suite_end == std::string::npos) {
    error = "the testsuite is not closed";
    return std::nullopt;
  }
  std::size_t at = xml.find(kCaseStart);
  while (at != std::string::npos && at < suite_end) {
    const std::size_t close = xml.find(kCaseEnd, at);
    const auto seconds = attribute(xml, at, "time");
    const std::size_t next = xml.find(kCaseStart, at + 1);
    if (close == std::string::npos || close > suite_end || next < close || !seconds) {
      error = "a malformed testcase at byte " + std::to_string(at);
      return std::nullopt;
    }
    JunitCase c;
    c.text = xml.substr(at, close + std::string(kCaseEnd).size() - at);
    c.seconds = std::strtod(seconds->c_str(), nullptr);
    c.failed = c.text.find("\n      <failure ") != std::string::npos;
    out.cases.push_back(std::move(c));
    at = xml.find(kCaseStart, close);
  }
  return out;
}

std::optional<MergedJunit> merge_junit_shards(const std::vector<JunitShard>& shards,
                                              std::vector<std::string>& errors) {
  const auto by_index = shards_by_index(shards, JunitRefusals{}, errors);
  if (!by_index) return std::nullopt;
  const std::size_t count = shards.front().shard.count;
  const std::size_t total = shards.front().scenarios;
  MergedJunit merged;
  for (std::size_t k = 0; k < total; ++k) {
    const JunitCase& c = (*by_index)[k % count + 1]->cases[k / count];
    merged.cases.push_back(c);
    merged.failures += c.failed ? 1 : 0;
    merged.seconds += c.seconds;
  }
  return merged;
}

void write_merged_junit(std::ostream& out, const MergedJunit& merged) {
  const std::string time = seconds_text(merged.seconds);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites tests=\"" << merged.cases.size() << "\" failures=\"" << merged.failures
      << "\" time=\"" << time << "\">\n";
  out << "  <testsuite name=\"connsim\" tests=\"" << merged.cases.size() << "\" failures=\""
      << merged.failures << "\" errors=\"0\" time=\"" << time << "\">\n";
  for (const auto& c : merged.cases) out << c.text;
  out << kSuiteEnd << "</testsuites>\n";
}

}  // namespace connsim::sweep
