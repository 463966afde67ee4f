#include "scenarios/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "scenarios/json_positions.hpp"
#include "scenarios/limits.hpp"

namespace connsim::scenarios {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Ptr = std::string;

// --- text helpers -------------------------------------------------------------------------------

std::size_t char_count(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
}

/// The first `n` characters (code points) of `text`.
std::string first_chars(std::string_view text, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) != 0x80u) {
      if (seen == n) return std::string(text.substr(0, i));
      ++seen;
    }
  }
  return std::string(text);
}

/// `text` as a JSON string literal, cut after limits::kMaxQuotedChars characters.
std::string quote(std::string_view text) {
  std::string shown = char_count(text) > limits::kMaxQuotedChars
                          ? first_chars(text, limits::kMaxQuotedChars - 3) + "..."
                          : std::string(text);
  std::string out = json(std::move(shown)).dump(-1, ' ', false, json::error_handler_t::replace);
  // JSON escapes the control characters below 0x20; DEL it leaves raw.
  for (std::size_t at = out.find('\x7f'); at != std::string::npos; at = out.find('\x7f', at)) {
    out.replace(at, 1, "\\u007f");
  }
  return out;
}

/// A value as a message shows it after "got ".
std::string describe(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (char_count(text) > 40) return quote(first_chars(text, 37) + "...");
      return quote(text);
    }
    default: return value.dump();
  }
}

std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// "known: a, b, c", at most limits::kMaxListedIds of them.
std::string known_list(const std::vector<std::string>& ids, std::string_view plural) {
  if (ids.empty()) return "no " + std::string(plural) + " defined";
  std::string out = "known: ";
  const std::size_t shown = std::min(ids.size(), limits::kMaxListedIds);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    out += ids[i];
  }
  if (shown < ids.size()) out += ", ... (" + std::to_string(ids.size()) + " in all)";
  return out;
}

std::string format_number(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// --- times --------------------------------------------------------------------------------------

enum class TimeIssue { none, syntax, negative, too_large };

TimeIssue parse_time_text(std::string_view text, Duration& out) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const auto is_digit = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  const std::size_t whole_begin = i;
  while (is_digit(i)) ++i;
  const std::size_t whole_end = i;
  if (whole_end == whole_begin) return TimeIssue::syntax;
  std::size_t fraction_begin = i;
  std::size_t fraction_end = i;
  if (i < text.size() && text[i] == '.') {
    fraction_begin = ++i;
    while (is_digit(i)) ++i;
    fraction_end = i;
    if (fraction_end == fraction_begin) return TimeIssue::syntax;
  }
  const std::string_view unit = text.substr(i);
  __int128 unit_ns = 0;
  if (unit == "ns") {
    unit_ns = 1;
  } else if (unit == "us") {
    unit_ns = 1'000;
  } else if (unit == "ms") {
    unit_ns = 1'000'000;
  } else if (unit == "s") {
    unit_ns = 1'000'000'000;
  } else if (unit == "m") {
    unit_ns = 60'000'000'000;
  } else if (unit == "h") {
    unit_ns = 3'600'000'000'000;
  } else {
    return TimeIssue::syntax;
  }
  if (negative) return TimeIssue::negative;
  __int128 whole = 0;
  for (std::size_t k = whole_begin; k < whole_end; ++k) {
    whole = whole * 10 + (text[k] - '0');
    if (whole > 1'000'000'000'000'000'000) return TimeIssue::too_large;
  }
  __int128 fraction = 0;
  __int128 scale = 1;
  for (std::size_t k = fraction_begin; k < fraction_end && k < fraction_begin + 18; ++k) {
    fraction = fraction * 10 + (text[k] - '0');
    scale *= 10;
  }
  const __int128 ns = whole * unit_ns + (fraction * unit_ns + scale / 2) / scale;
  if (ns > limits::kMaxTime.count()) return TimeIssue::too_large;
  out = Duration(static_cast<std::int64_t>(ns));
  return TimeIssue::none;
}

/// A time written as a string with a unit, or a JSON number of milliseconds.
TimeIssue decode_time(const json& value, Duration& out) {
  if (value.is_string()) return parse_time_text(value.get_ref<const std::string&>(), out);
  const double max_ms = static_cast<double>(limits::kMaxTime.count()) / 1e6;
  if (value.is_number_unsigned()) {
    const auto ms = value.get<std::uint64_t>();
    if (static_cast<double>(ms) > max_ms) return TimeIssue::too_large;
    out = std::chrono::milliseconds(ms);
    return TimeIssue::none;
  }
  if (value.is_number_integer()) return TimeIssue::negative;  // integers >= 0 are unsigned
  if (value.is_number_float()) {
    const double ms = value.get<double>();
    if (!std::isfinite(ms)) return TimeIssue::syntax;
    if (ms < 0) return TimeIssue::negative;
    if (ms > max_ms) return TimeIssue::too_large;
    out = Duration(std::llround(ms * 1e6));
    return TimeIssue::none;
  }
  return TimeIssue::syntax;
}

constexpr std::string_view kTimeExpected =
    "expected a time like \"250ms\" or a number of milliseconds, got ";

// --- the context ---------------------------------------------------------------------------------

struct StepInfo {
  std::optional<ActionKind> kind;  // nullopt when the step's `do` was invalid
  Ptr pointer;
  std::vector<std::string> peers;  // connect_many
  bool complete = false;           // the whole step decoded without error
};

class Ctx {
 public:
  Ctx(std::string file, const PositionedJson& doc) : file(std::move(file)), doc(doc) {}

  /// An error about the value at `pointer`.
  void error(const Ptr& pointer, std::string message) {
    add(doc.position_of(pointer), pointer, std::move(message));
  }
  /// An error about the key of the member at `pointer`.
  void key_error(const Ptr& pointer, std::string message) {
    add(doc.key_position_of(pointer), pointer, std::move(message));
  }
  std::size_t error_count() const { return errors.size() + dropped; }
  SourceRef source(const Ptr& pointer) const {
    const TextPosition at = doc.position_of(pointer);
    return SourceRef{pointer, at.line, at.column};
  }

  std::string file;
  const PositionedJson& doc;
  std::vector<LoadError> errors;
  std::size_t dropped = 0;

  Scenario sc;
  bool until_valid = true;
  /// Wallet, wallet group and relay ids share one namespace (`partition` mixes them):
  /// id -> what owns it, for "already used by ...".
  std::map<std::string, std::string, std::less<>> id_owner;
  std::vector<std::string> relay_ids;   // file order, for "known: ..."
  std::vector<std::string> wallet_ids;  // expanded, file order
  std::vector<std::string> shared_ids;
  std::vector<std::string> step_ids;
  std::map<std::string, std::string, std::less<>> shared_owner;  // id -> pointer
  std::map<std::string, StepInfo, std::less<>> steps;
  std::map<std::string, std::string, std::less<>> peer_id_owner;  // peer_id -> wallet id
  /// False once an element's id could not be read: references to it are then not reported, as
  /// "unknown" would only repeat the first error.
  bool relays_complete = true;
  bool wallets_complete = true;
  bool shared_complete = true;
  bool steps_complete = true;
  std::uint64_t total_wallets = 0;
  std::uint64_t total_runs = 0;
  std::uint64_t total_attempts = 0;  // for limits::kMaxTimelineAttempts
  std::map<std::string, std::uint64_t, std::less<>> relay_holders;  // relay id -> wallets on it
  bool relay_holders_counted = false;
  std::uint64_t total_expanded = 0;  // ids expanded, for limits::kMaxExpandedIds
  bool expansion_reported = false;

 private:
  void add(TextPosition at, const Ptr& pointer, std::string message) {
    if (errors.size() >= limits::kMaxCollectedErrors) {
      ++dropped;
      return;
    }
    errors.push_back(LoadError{file, at.line, at.column, pointer, std::move(message)});
  }
};

// --- tables --------------------------------------------------------------------------------------

/// One key of an object kind: its name, whether it is required, and how it is decoded into T.
/// A table (an array of these) drives both validation (unknown and missing keys) and decoding,
/// in table order, so a decoder may rely on the keys before it.
template <class T>
struct Field {
  std::string_view key;
  bool required;
  void (*decode)(Ctx&, const json&, const Ptr&, T&);
};

template <class T, std::size_t N>
std::string keys_of(const Field<T> (&table)[N]) {
  std::string out;
  for (const auto& field : table) {
    if (!out.empty()) out += ", ";
    out += field.key;
  }
  return out;
}

/// Decodes `value` (which must be an object) by `table`; true when no error was added.
template <class T, std::size_t N>
bool decode_object(Ctx& ctx, const json& value, const Ptr& pointer, const Field<T> (&table)[N],
                   T& out) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an object, got " + describe(value));
    return false;
  }
  const std::size_t before = ctx.error_count();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const bool known = std::any_of(std::begin(table), std::end(table),
                                   [&](const Field<T>& field) { return field.key == it.key(); });
    if (!known) {
      ctx.key_error(pointer_child(pointer, it.key()),
                    "unknown key " + quote(it.key()) + "; expected one of: " + keys_of(table));
    }
  }
  for (const Field<T>& field : table) {
    const auto it = value.find(std::string(field.key));
    if (it == value.end()) {
      if (field.required) ctx.error(pointer, "missing required key " + quote(field.key));
      continue;
    }
    field.decode(ctx, *it, pointer_child(pointer, field.key), out);
  }
  return ctx.error_count() == before;
}

template <class T>
void assign(T& target, const std::optional<T>& value) {
  if (value) target = *value;
}
template <class T>
void assign(std::optional<T>& target, const std::optional<T>& value) {
  if (value) target = value;
}

// --- scalar decoders -----------------------------------------------------------------------------

std::optional<std::string> get_string(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (!value.is_string()) {
    ctx.error(pointer, "expected a string, got " + describe(value));
    return std::nullopt;
  }
  return value.get<std::string>();
}

/// An id of something this file defines.
std::optional<std::string> get_id(Ctx& ctx, const json& value, const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (id->empty()) {
    ctx.error(pointer, "an id must not be empty");
    return std::nullopt;
  }
  if (char_count(*id) > limits::kMaxIdLength) {
    ctx.error(pointer, "an id must be at most " + std::to_string(limits::kMaxIdLength) +
                           " characters long");
    return std::nullopt;
  }
  if (std::any_of(id->begin(), id->end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    ctx.error(pointer, "an id must not contain control characters");
    return std::nullopt;
  }
  return id;
}

std::optional<bool> get_bool(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (!value.is_boolean()) {
    ctx.error(pointer, "expected true or false, got " + describe(value));
    return std::nullopt;
  }
  return value.get<bool>();
}

std::optional<std::int64_t> get_integer(Ctx& ctx, const json& value, const Ptr& pointer,
                                        std::int64_t min, std::int64_t max) {
  if (!value.is_number_integer()) {
    ctx.error(pointer, "expected an integer, got " + describe(value));
    return std::nullopt;
  }
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    ctx.error(pointer, "must be at most " + std::to_string(max) + ", got " + value.dump());
    return std::nullopt;
  }
  const auto number = value.get<std::int64_t>();
  if (number < min) {
    ctx.error(pointer, "must be at least " + std::to_string(min) + ", got " + value.dump());
    return std::nullopt;
  }
  if (number > max) {
    ctx.error(pointer, "must be at most " + std::to_string(max) + ", got " + value.dump());
    return std::nullopt;
  }
  return number;
}

std::optional<int> get_int(Ctx& ctx, const json& value, const Ptr& pointer, int min, int max) {
  const auto number = get_integer(ctx, value, pointer, min, max);
  if (!number) return std::nullopt;
  return static_cast<int>(*number);
}

std::optional<std::uint64_t> get_uint64(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (!value.is_number_integer()) {
    ctx.error(pointer, "expected an integer, got " + describe(value));
    return std::nullopt;
  }
  if (!value.is_number_unsigned()) {
    ctx.error(pointer, "must be at least 0, got " + value.dump());
    return std::nullopt;
  }
  return value.get<std::uint64_t>();
}

/// A number in [min, max] (max: none when nullopt).
std::optional<double> get_number(Ctx& ctx, const json& value, const Ptr& pointer, double min,
                                 std::optional<double> max) {
  if (!value.is_number()) {
    ctx.error(pointer, "expected a number, got " + describe(value));
    return std::nullopt;
  }
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < min || (max && number > *max)) {
    ctx.error(pointer, (max ? "must be between " + format_number(min) + " and " +
                                  format_number(*max)
                            : "must be at least " + format_number(min)) +
                           ", got " + value.dump());
    return std::nullopt;
  }
  return number;
}

std::optional<Duration> get_time(Ctx& ctx, const json& value, const Ptr& pointer) {
  Duration time{};
  switch (decode_time(value, time)) {
    case TimeIssue::none: return time;
    case TimeIssue::syntax: ctx.error(pointer, std::string(kTimeExpected) + describe(value)); break;
    case TimeIssue::negative:
      ctx.error(pointer, "a time must not be negative, got " + describe(value));
      break;
    case TimeIssue::too_large:
      ctx.error(pointer, "a time must be at most " + format_time(limits::kMaxTime) + ", got " +
                             describe(value));
      break;
  }
  return std::nullopt;
}

std::optional<Duration> get_positive_time(Ctx& ctx, const json& value, const Ptr& pointer) {
  const auto time = get_time(ctx, value, pointer);
  if (time && *time <= Duration::zero()) {
    ctx.error(pointer, "must be greater than 0, got " + describe(value));
    return std::nullopt;
  }
  return time;
}

/// A time at which something is checked or happens: not after `until`.
std::optional<Duration> get_moment(Ctx& ctx, const json& value, const Ptr& pointer) {
  const auto time = get_time(ctx, value, pointer);
  if (time && ctx.until_valid && *time > ctx.sc.until) {
    ctx.error(pointer, format_time(*time) + " is after the end of the run (until: " +
                           format_time(ctx.sc.until) + ")");
    return std::nullopt;
  }
  return time;
}

template <class E>
struct Name {
  std::string_view name;
  E value;
};

template <class E, std::size_t N>
std::string names_of(const Name<E> (&names)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += (i + 1 == N) ? (N == 2 ? " or " : ", or ") : ", ";
    out += quote(names[i].name);
  }
  return out;
}

template <class E, std::size_t N>
std::optional<E> find_name(const Name<E> (&names)[N], std::string_view text) {
  for (const auto& entry : names) {
    if (entry.name == text) return entry.value;
  }
  return std::nullopt;
}

template <class E, std::size_t N>
std::optional<E> get_enum(Ctx& ctx, const json& value, const Ptr& pointer,
                          const Name<E> (&names)[N]) {
  if (value.is_string()) {
    if (auto found = find_name(names, value.get_ref<const std::string&>())) return found;
  }
  ctx.error(pointer, "expected " + names_of(names) + ", got " + describe(value));
  return std::nullopt;
}

template <class T, class Decode>
std::optional<std::vector<T>> get_array(Ctx& ctx, const json& value, const Ptr& pointer,
                                        std::size_t max_size, Decode decode) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    return std::nullopt;
  }
  if (value.size() > max_size) {
    ctx.error(pointer, "at most " + std::to_string(max_size) + " elements, got " +
                           std::to_string(value.size()));
    return std::nullopt;
  }
  std::vector<T> out;
  out.reserve(value.size());
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    std::optional<T> element = decode(ctx, value[i], pointer_child(pointer, i));
    if (element) {
      out.push_back(std::move(*element));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

// --- enum spellings ------------------------------------------------------------------------------

constexpr Name<RelayImplementation> kImplementations[] = {{"go", RelayImplementation::go},
                                                          {"js", RelayImplementation::js}};
constexpr Name<NatMapping> kMappings[] = {
    {"endpoint-independent", NatMapping::endpoint_independent},
    {"address-dependent", NatMapping::address_dependent},
    {"address-and-port-dependent", NatMapping::address_and_port_dependent}};
constexpr Name<NatFiltering> kFilterings[] = {
    {"endpoint-independent", NatFiltering::endpoint_independent},
    {"address-dependent", NatFiltering::address_dependent},
    {"address-and-port-dependent", NatFiltering::address_and_port_dependent}};
constexpr Name<store::RetryKind> kRetryKinds[] = {
    {"exponential", store::RetryKind::exponential},
    {"fixed", store::RetryKind::fixed},
    {"exponential-jitter", store::RetryKind::exponential_jitter},
    {"deadline-bounded", store::RetryKind::deadline_bounded}};
constexpr Name<store::ConcurrencyMode> kConcurrencyModes[] = {
    {"batch", store::ConcurrencyMode::batch}, {"window", store::ConcurrencyMode::window}};
constexpr Name<store::PresenceUpdate> kPresenceUpdates[] = {
    {"replace", store::PresenceUpdate::replace},
    {"merge-reset", store::PresenceUpdate::merge_reset},
    {"merge-keep", store::PresenceUpdate::merge_keep}};
constexpr Name<store::DirectStepFilter> kDirectFilters[] = {
    {"shipped", store::DirectStepFilter::shipped_inverted},
    {"fixed", store::DirectStepFilter::fixed}};
constexpr Name<store::PeerExchangeReader> kPeerExchangeReaders[] = {
    {"shipped", store::PeerExchangeReader::shipped_mismatched},
    {"fixed", store::PeerExchangeReader::fixed}};
constexpr Name<ActionKind> kActions[] = {
    {"connect", ActionKind::connect},
    {"connect_many", ActionKind::connect_many},
    {"propose_spend", ActionKind::propose_spend},
    {"go_offline", ActionKind::go_offline},
    {"go_online", ActionKind::go_online},
    {"reload", ActionKind::reload},
    {"relay_down", ActionKind::relay_down},
    {"relay_up", ActionKind::relay_up},
    {"partition", ActionKind::partition},
    {"heal", ActionKind::heal},
    {"drop_connection", ActionKind::drop_connection},
    {"nat_rebind", ActionKind::nat_rebind},
    {"set_network", ActionKind::set_network}};
constexpr Name<store::ConnectionStatus> kStatuses[] = {
    {"disconnected", store::ConnectionStatus::disconnected},
    {"connecting", store::ConnectionStatus::connecting},
    {"connected", store::ConnectionStatus::connected},
    {"failed", store::ConnectionStatus::failed}};
constexpr Name<store::ConnectionType> kConnectionTypes[] = {
    {"webrtc", store::ConnectionType::webrtc},
    {"relay", store::ConnectionType::relay},
    {"direct", store::ConnectionType::direct},
    {"none", store::ConnectionType::none}};
constexpr Name<std::string_view> kEventTypes[] = {
    {"info", "info"}, {"peer_joined", "peer_joined"}, {"error", "error"}};
constexpr Name<EventsMode> kEventsModes[] = {{"subsequence", EventsMode::subsequence},
                                             {"exact", EventsMode::exact}};
constexpr Name<Getter> kGetters[] = {
    {"connected_online_peer_count", Getter::connected_online_peer_count},
    {"is_peer_connected", Getter::is_peer_connected},
    {"peer_status", Getter::peer_status}};
constexpr Name<Metric> kMetrics[] = {
    {"connect_success_rate", Metric::connect_success_rate},
    {"first_attempt_success_rate", Metric::first_attempt_success_rate},
    {"connect_time_p50", Metric::connect_time_p50},
    {"connect_time_p90", Metric::connect_time_p90},
    {"connect_time_p99", Metric::connect_time_p99},
    {"share_webrtc", Metric::share_webrtc},
    {"share_relay", Metric::share_relay},
    {"share_direct", Metric::share_direct},
    {"spend_success_rate", Metric::spend_success_rate},
    {"connections_per_sim_second", Metric::connections_per_sim_second}};
constexpr Name<store::SessionState> kSessionStates[] = {
    {"completed", store::SessionState::completed}, {"failed", store::SessionState::failed}};

struct NamedNat {
  bool is_public;
  NatMapping mapping;
  NatFiltering filtering;
};
constexpr Name<NamedNat> kNamedNats[] = {
    {"none", {true, NatMapping::endpoint_independent, NatFiltering::endpoint_independent}},
    {"full-cone", {false, NatMapping::endpoint_independent, NatFiltering::endpoint_independent}},
    {"restricted-cone", {false, NatMapping::endpoint_independent, NatFiltering::address_dependent}},
    {"port-restricted-cone",
     {false, NatMapping::endpoint_independent, NatFiltering::address_and_port_dependent}},
    {"symmetric",
     {false, NatMapping::address_and_port_dependent, NatFiltering::address_and_port_dependent}}};

/// Counts `n` more expanded ids against limits::kMaxExpandedIds. False (with one error for the
/// whole file, at `pointer`) once the limit is passed: the caller must not expand them.
bool charge_expansion(Ctx& ctx, std::uint64_t n, const Ptr& pointer) {
  if (ctx.expansion_reported) return false;
  ctx.total_expanded += n;
  if (ctx.total_expanded <= limits::kMaxExpandedIds) return true;
  ctx.expansion_reported = true;
  ctx.error(pointer, "the file expands to more than " + std::to_string(limits::kMaxExpandedIds) +
                         " wallet and relay ids (the limit): each wallet of a `count` copies its "
                         "relay list, and a group id in peers, participants or a partition stands "
                         "for every wallet of the group");
  return false;
}

// --- references ----------------------------------------------------------------------------------

std::string group_hint(const Ctx& ctx, const std::string& id) {
  const auto group = ctx.sc.wallet_groups.find(id);
  if (group == ctx.sc.wallet_groups.end() || group->second.empty()) return "";
  return "; it has a count: use " + quote(id + "-1") + " ... " +
         quote(id + "-" + std::to_string(group->second.size()));
}

/// One wallet id.
std::optional<std::string> wallet_ref(Ctx& ctx, const json& value, const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (ctx.sc.wallet_index.count(*id) != 0) return id;
  if (ctx.wallets_complete) {
    ctx.error(pointer, "unknown wallet " + quote(*id) + "; " + known_list(ctx.wallet_ids, "wallets") +
                           group_hint(ctx, *id));
  }
  return std::nullopt;
}

/// A wallet id or a group id (a wallet written with `count`), as wallet ids.
std::optional<std::vector<std::string>> wallets_ref(Ctx& ctx, const json& value,
                                                    const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (ctx.sc.wallet_index.count(*id) != 0) {
    if (!charge_expansion(ctx, 1, pointer)) return std::nullopt;
    return std::vector<std::string>{*id};
  }
  if (const auto group = ctx.sc.wallet_groups.find(*id); group != ctx.sc.wallet_groups.end()) {
    if (!charge_expansion(ctx, group->second.size(), pointer)) return std::nullopt;
    std::vector<std::string> members;
    for (const std::size_t index : group->second) members.push_back(ctx.sc.wallets[index].id);
    return members;
  }
  if (ctx.wallets_complete) {
    ctx.error(pointer, "unknown wallet " + quote(*id) + "; " + known_list(ctx.wallet_ids, "wallets"));
  }
  return std::nullopt;
}

std::optional<std::string> relay_ref(Ctx& ctx, const json& value, const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (ctx.sc.relay_index.count(*id) != 0) return id;
  if (ctx.relays_complete) {
    ctx.error(pointer, "unknown relay " + quote(*id) + "; " + known_list(ctx.relay_ids, "relays"));
  }
  return std::nullopt;
}

std::optional<std::string> shared_wallet_ref(Ctx& ctx, const json& value, const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return std::nullopt;
  if (ctx.shared_owner.count(*id) != 0) return id;
  if (ctx.shared_complete) {
    ctx.error(pointer, "unknown shared wallet " + quote(*id) + "; " +
                           known_list(ctx.shared_ids, "shared wallets"));
  }
  return std::nullopt;
}

/// A step id; nullopt (without an error) when the step exists but its `do` was invalid.
const StepInfo* step_ref(Ctx& ctx, const json& value, const Ptr& pointer) {
  auto id = get_string(ctx, value, pointer);
  if (!id) return nullptr;
  const auto it = ctx.steps.find(*id);
  if (it == ctx.steps.end()) {
    if (ctx.steps_complete) {
      ctx.error(pointer, "unknown step " + quote(*id) + "; " + known_list(ctx.step_ids, "step ids"));
    }
    return nullptr;
  }
  if (!it->second.kind) return nullptr;
  return &it->second;
}

/// Claims `id` in the shared wallet/group/relay namespace.
bool claim_id(Ctx& ctx, const std::string& id, const Ptr& pointer, std::string owner) {
  const auto [it, inserted] = ctx.id_owner.emplace(id, std::move(owner));
  if (!inserted) {
    ctx.error(pointer, "duplicate id " + quote(id) + "; already used by " + it->second);
  }
  return inserted;
}

// --- values: latency, NAT ------------------------------------------------------------------------

constexpr Field<LogNormalLatency> kLogNormalFields[] = {
    {"median", true,
     [](Ctx& c, const json& v, const Ptr& p, LogNormalLatency& l) {
       assign(l.median, get_positive_time(c, v, p));
     }},
    {"p99", true,
     [](Ctx& c, const json& v, const Ptr& p, LogNormalLatency& l) {
       assign(l.p99, get_time(c, v, p));
     }},
};

constexpr Field<UniformLatency> kUniformFields[] = {
    {"min", true,
     [](Ctx& c, const json& v, const Ptr& p, UniformLatency& l) { assign(l.min, get_time(c, v, p)); }},
    {"max", true,
     [](Ctx& c, const json& v, const Ptr& p, UniformLatency& l) { assign(l.max, get_time(c, v, p)); }},
};

constexpr std::string_view kLatencyExpected =
    "expected a latency: a time, {\"median\", \"p99\"} or {\"min\", \"max\"}, got ";

std::optional<LatencySpec> get_latency(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (value.is_string() || value.is_number()) {
    const auto delay = get_time(ctx, value, pointer);
    if (!delay) return std::nullopt;
    return FixedLatency{*delay};
  }
  if (value.is_object() && (value.contains("median") || value.contains("p99"))) {
    LogNormalLatency latency;
    if (!decode_object(ctx, value, pointer, kLogNormalFields, latency)) return std::nullopt;
    if (latency.p99 < latency.median) {
      ctx.error(pointer_child(pointer, "p99"),
                "p99 must not be less than median (" + format_time(latency.median) + ")");
      return std::nullopt;
    }
    return latency;
  }
  if (value.is_object() && (value.contains("min") || value.contains("max"))) {
    UniformLatency latency;
    if (!decode_object(ctx, value, pointer, kUniformFields, latency)) return std::nullopt;
    if (latency.max < latency.min) {
      ctx.error(pointer_child(pointer, "max"),
                "max must not be less than min (" + format_time(latency.min) + ")");
      return std::nullopt;
    }
    return latency;
  }
  ctx.error(pointer, std::string(kLatencyExpected) +
                         (value.is_object() ? "an object without those keys" : describe(value)));
  return std::nullopt;
}

NatBehavior named_nat(std::string_view name, const NamedNat& nat) {
  NatBehavior behavior;
  behavior.is_public = nat.is_public;
  behavior.mapping = nat.mapping;
  behavior.filtering = nat.filtering;
  behavior.label = std::string(name);
  return behavior;
}

struct NatObjectDraft {
  NatBehavior nat;
};

constexpr Field<NatObjectDraft> kNatObjectFields[] = {
    {"mapping", true,
     [](Ctx& c, const json& v, const Ptr& p, NatObjectDraft& d) {
       assign(d.nat.mapping, get_enum(c, v, p, kMappings));
     }},
    {"filtering", true,
     [](Ctx& c, const json& v, const Ptr& p, NatObjectDraft& d) {
       assign(d.nat.filtering, get_enum(c, v, p, kFilterings));
     }},
    {"mapping_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, NatObjectDraft& d) {
       assign(d.nat.mapping_timeout, get_positive_time(c, v, p));
     }},
};

constexpr Field<NatMix> kNatMixFields[] = {
    {"mix", true,
     [](Ctx& c, const json& v, const Ptr& p, NatMix& mix) {
       if (!v.is_object()) {
         c.error(p, "expected an object of NAT names and weights, got " + describe(v));
         return;
       }
       if (v.empty()) {
         c.error(p, "a mix needs at least one NAT");
         return;
       }
       const std::size_t before = c.error_count();
       for (auto it = v.begin(); it != v.end(); ++it) {
         const Ptr entry = pointer_child(p, it.key());
         const auto named = find_name(kNamedNats, it.key());
         if (!named) {
           c.key_error(entry, "unknown NAT " + quote(it.key()) + "; expected " + names_of(kNamedNats));
           continue;
         }
         const auto weight = get_number(c, it.value(), entry, 0, std::nullopt);
         if (weight && *weight > 0) mix.entries.push_back({named_nat(it.key(), *named), *weight});
       }
       if (c.error_count() == before && mix.entries.empty()) {
         c.error(p, "a mix needs a weight greater than 0");
       }
     }},
};

constexpr std::string_view kNatExpected =
    "expected a NAT: \"none\", \"full-cone\", \"restricted-cone\", \"port-restricted-cone\", "
    "\"symmetric\", {\"mapping\", \"filtering\", \"mapping_timeout\"?} or {\"mix\": {...}}, got ";

std::optional<NatSpec> get_nat(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (value.is_string()) {
    if (auto named = find_name(kNamedNats, value.get_ref<const std::string&>())) {
      return named_nat(value.get_ref<const std::string&>(), *named);
    }
  } else if (value.is_object() && value.contains("mix")) {
    NatMix mix;
    if (!decode_object(ctx, value, pointer, kNatMixFields, mix)) return std::nullopt;
    return mix;
  } else if (value.is_object()) {
    NatObjectDraft draft;
    draft.nat.is_public = false;
    if (!decode_object(ctx, value, pointer, kNatObjectFields, draft)) return std::nullopt;
    draft.nat.label =
        std::string(to_string(draft.nat.mapping)) + "/" + std::string(to_string(draft.nat.filtering));
    return draft.nat;
  }
  ctx.error(pointer, std::string(kNatExpected) + describe(value));
  return std::nullopt;
}

// --- network -------------------------------------------------------------------------------------

void apply_implementation(Relay& relay, RelayImplementation implementation) {
  relay.implementation = implementation;
  if (implementation == RelayImplementation::go) {
    relay.max_reservations = 128;
    relay.reservation_ttl = std::chrono::hours(1);
    relay.reservation_ends_on_disconnect = true;
    relay.circuit_byte_counting = CircuitByteCounting::per_direction;
  } else {
    relay.max_reservations = 15;
    relay.reservation_ttl = std::chrono::hours(2);
    relay.reservation_ends_on_disconnect = false;
    relay.circuit_byte_counting = CircuitByteCounting::both_directions;
  }
}

// `implementation` comes before the keys that override its numbers (tables decode in order).
constexpr Field<Relay> kRelayFields[] = {
    {"id", true,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) { assign(r.id, get_id(c, v, p)); }},
    {"implementation", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) {
       if (auto implementation = get_enum(c, v, p, kImplementations)) {
         apply_implementation(r, *implementation);
       }
     }},
    {"latency", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) { assign(r.latency, get_latency(c, v, p)); }},
    {"max_reservations", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) {
       assign(r.max_reservations, get_int(c, v, p, 0, limits::kMaxRelayReservations));
     }},
    {"reservation_ttl", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) {
       assign(r.reservation_ttl, get_positive_time(c, v, p));
     }},
    {"circuit_duration", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) {
       assign(r.circuit_duration, get_time(c, v, p));
     }},
    {"circuit_bytes", false,
     [](Ctx& c, const json& v, const Ptr& p, Relay& r) {
       assign(r.circuit_bytes, get_uint64(c, v, p));
     }},
};

void decode_relays(Ctx& ctx, const json& value, const Ptr& pointer, NetworkSpec& network) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.relays_complete = false;
    return;
  }
  if (value.size() > limits::kMaxRelays) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxRelays) + " relays, got " +
                           std::to_string(value.size()));
    ctx.relays_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    Relay relay;
    relay.source = ctx.source(element);
    decode_object(ctx, value[i], element, kRelayFields, relay);
    if (relay.id.empty()) {
      ctx.relays_complete = false;
      continue;
    }
    if (!claim_id(ctx, relay.id, pointer_child(element, "id"), "the relay at " + element)) continue;
    ctx.sc.relay_index.emplace(relay.id, network.relays.size());
    ctx.relay_ids.push_back(relay.id);
    network.relays.push_back(std::move(relay));
  }
}

constexpr Field<BootstrapOptions> kBootstrapFields[] = {
    {"peer_exchange_interval", false,
     [](Ctx& c, const json& v, const Ptr& p, BootstrapOptions& b) {
       assign(b.peer_exchange_interval, get_positive_time(c, v, p));
     }},
    {"first_peer_exchange", false,
     [](Ctx& c, const json& v, const Ptr& p, BootstrapOptions& b) {
       assign(b.first_peer_exchange, get_time(c, v, p));
     }},
};

constexpr Field<IceOptions> kIceFields[] = {
    {"check_interval", false,
     [](Ctx& c, const json& v, const Ptr& p, IceOptions& i) {
       assign(i.check_interval, get_positive_time(c, v, p));
     }},
    {"failed_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, IceOptions& i) {
       assign(i.failed_timeout, get_positive_time(c, v, p));
     }},
};

constexpr Name<Backend> kBackends[] = {{"message", Backend::message}, {"packet", Backend::packet}};

constexpr Field<NetworkSpec> kNetworkFields[] = {
    {"latency", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.latency, get_latency(c, v, p));
     }},
    {"loss", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.loss, get_number(c, v, p, 0, 1));
     }},
    {"relays", false, decode_relays},
    {"bootstrap", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       decode_object(c, v, p, kBootstrapFields, n.bootstrap);
     }},
    {"ice", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       decode_object(c, v, p, kIceFields, n.ice);
     }},
    {"dial_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.dial_timeout, get_positive_time(c, v, p));
     }},
    {"address_dial_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.address_dial_timeout, get_positive_time(c, v, p));
     }},
    {"close_detection", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.close_detection, get_time(c, v, p));
     }},
    {"presence_ttl", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.presence_ttl, get_positive_time(c, v, p));
     }},
    {"readvertise_interval", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.readvertise_interval, get_time(c, v, p));
     }},
    // connsim extensions: the packet backend.
    {"backend", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) { assign(n.backend, get_enum(c, v, p, kBackends)); }},
    {"bandwidth_mbps", false,
     [](Ctx& c, const json& v, const Ptr& p, NetworkSpec& n) {
       assign(n.bandwidth_mbps, get_number(c, v, p, 0.001, 100000));
     }},
};

// --- wallets -------------------------------------------------------------------------------------

struct RetryDraft {
  store::RetryPolicy policy;
  bool deadline_given = false;
};

constexpr Field<RetryDraft> kRetryFields[] = {
    {"policy", false,
     [](Ctx& c, const json& v, const Ptr& p, RetryDraft& r) {
       assign(r.policy.kind, get_enum(c, v, p, kRetryKinds));
     }},
    {"max_attempts", false,
     [](Ctx& c, const json& v, const Ptr& p, RetryDraft& r) {
       assign(r.policy.max_attempts, get_int(c, v, p, 1, limits::kMaxRetryAttempts));
     }},
    {"base_delay", false,
     [](Ctx& c, const json& v, const Ptr& p, RetryDraft& r) {
       assign(r.policy.base_delay, get_time(c, v, p));
     }},
    {"max_delay", false,
     [](Ctx& c, const json& v, const Ptr& p, RetryDraft& r) {
       assign(r.policy.max_delay, get_time(c, v, p));
     }},
    {"deadline", false,
     [](Ctx& c, const json& v, const Ptr& p, RetryDraft& r) {
       r.deadline_given = true;
       assign(r.policy.deadline, get_time(c, v, p));
     }},
};

constexpr Field<store::ConnectConcurrency> kConcurrencyFields[] = {
    {"mode", false,
     [](Ctx& c, const json& v, const Ptr& p, store::ConnectConcurrency& k) {
       assign(k.mode, get_enum(c, v, p, kConcurrencyModes));
     }},
    {"limit", false,
     [](Ctx& c, const json& v, const Ptr& p, store::ConnectConcurrency& k) {
       assign(k.limit, get_int(c, v, p, 1, limits::kMaxConcurrencyLimit));
     }},
};

constexpr Field<store::Musig2StoreOptions> kMusig2Fields[] = {
    {"connectivity_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.connectivity_timeout, get_time(c, v, p));
     }},
    {"cancel_on_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.cancel_on_timeout, get_bool(c, v, p));
     }},
    {"allow_partial_connectivity", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.allow_partial_connectivity, get_bool(c, v, p));
     }},
    {"min_connected_participants", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.min_connected_participants,
              get_int(c, v, p, 0, static_cast<int>(limits::kMaxWallets)));
     }},
    {"unique_session_ids", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.unique_session_ids, get_bool(c, v, p));
     }},
    {"nonce_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.nonce_timeout, get_positive_time(c, v, p));
     }},
    {"partial_sig_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.partial_sig_timeout, get_positive_time(c, v, p));
     }},
    {"session_timeout", false,
     [](Ctx& c, const json& v, const Ptr& p, store::Musig2StoreOptions& m) {
       assign(m.session_timeout, get_positive_time(c, v, p));
     }},
};

constexpr Field<WalletStoreOptions> kStoreFields[] = {
    {"retry", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       RetryDraft draft{s.p2p.retry};
       if (!decode_object(c, v, p, kRetryFields, draft)) return;
       if (draft.deadline_given && draft.policy.kind != store::RetryKind::deadline_bounded) {
         c.key_error(pointer_child(p, "deadline"),
                     "\"deadline\" applies only to the policy \"deadline-bounded\"");
         return;
       }
       s.p2p.retry = draft.policy;
     }},
    {"concurrency", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       decode_object(c, v, p, kConcurrencyFields, s.p2p.concurrency);
     }},
    {"presence_update", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       assign(s.p2p.presence_update, get_enum(c, v, p, kPresenceUpdates));
     }},
    {"mark_disconnected_on_close", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       assign(s.p2p.mark_disconnected_on_close, get_bool(c, v, p));
     }},
    {"dedupe_concurrent_connects", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       assign(s.p2p.dedupe_concurrent_connects, get_bool(c, v, p));
     }},
    {"direct_filter", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       assign(s.connection.direct_step_filter, get_enum(c, v, p, kDirectFilters));
     }},
    {"peer_exchange_reader", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       assign(s.connection.peer_exchange_reader, get_enum(c, v, p, kPeerExchangeReaders));
     }},
    {"musig2", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletStoreOptions& s) {
       decode_object(c, v, p, kMusig2Fields, s.musig2);
     }},
};

constexpr Field<SdkOptions> kSdkFields[] = {
    {"broadcast_skips_relay", false,
     [](Ctx& c, const json& v, const Ptr& p, SdkOptions& s) {
       assign(s.broadcast_skips_relay, get_bool(c, v, p));
     }},
};

std::optional<RelayReconnect> get_relay_reconnect(Ctx& ctx, const json& value, const Ptr& pointer) {
  if (value.is_string() && value.get_ref<const std::string&>() == "none") {
    return RelayReconnect{RelayReconnectKind::none, Duration::zero()};
  }
  if (value.is_string() && value.get_ref<const std::string&>() == "keep-alive") {
    return RelayReconnect{RelayReconnectKind::keep_alive, Duration::zero()};
  }
  Duration interval{};
  switch (decode_time(value, interval)) {
    case TimeIssue::none:
      if (interval > Duration::zero()) return RelayReconnect{RelayReconnectKind::interval, interval};
      ctx.error(pointer, "a redial interval must be greater than 0, got " + describe(value));
      return std::nullopt;
    case TimeIssue::syntax:
      ctx.error(pointer, "expected \"none\", \"keep-alive\" or a time like \"5s\", got " +
                             describe(value));
      return std::nullopt;
    case TimeIssue::negative:
      ctx.error(pointer, "a time must not be negative, got " + describe(value));
      return std::nullopt;
    case TimeIssue::too_large:
      ctx.error(pointer, "a time must be at most " + format_time(limits::kMaxTime) + ", got " +
                             describe(value));
      return std::nullopt;
  }
  return std::nullopt;
}

struct WalletDraft {
  Wallet wallet;
  std::optional<std::uint64_t> count;
  bool peer_id_given = false;
  bool relays_given = false;
};

constexpr Field<WalletDraft> kWalletFields[] = {
    {"id", true,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) { assign(d.wallet.id, get_id(c, v, p)); }},
    {"peer_id", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       if (auto peer_id = get_id(c, v, p)) {
         d.wallet.peer_id = *peer_id;
         d.peer_id_given = true;
       }
     }},
    {"nickname", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       assign(d.wallet.nickname, get_string(c, v, p));
     }},
    {"nat", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) { assign(d.wallet.nat, get_nat(c, v, p)); }},
    {"relays", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       d.relays_given = true;
       auto relays = get_array<std::string>(c, v, p, limits::kMaxRelays, relay_ref);
       if (!relays) return;
       std::set<std::string> seen;
       for (std::size_t i = 0; i < relays->size(); ++i) {
         if (!seen.insert((*relays)[i]).second) {
           c.error(pointer_child(p, i), "relay " + quote((*relays)[i]) + " is listed twice");
           return;
         }
       }
       d.wallet.relays = std::move(*relays);
     }},
    {"webrtc", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) { assign(d.wallet.webrtc, get_bool(c, v, p)); }},
    {"online_at", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       assign(d.wallet.online_at, get_time(c, v, p));
     }},
    {"access_latency", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       assign(d.wallet.access_latency, get_latency(c, v, p));
     }},
    {"count", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       if (auto count = get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxWallets))) {
         d.count = static_cast<std::uint64_t>(*count);
       }
     }},
    {"relay_reconnect", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       assign(d.wallet.relay_reconnect, get_relay_reconnect(c, v, p));
     }},
    {"inbound_limit", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       assign(d.wallet.inbound_limit, get_int(c, v, p, 0, limits::kMaxInboundLimit));
     }},
    {"store", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       decode_object(c, v, p, kStoreFields, d.wallet.store);
     }},
    {"sdk", false,
     [](Ctx& c, const json& v, const Ptr& p, WalletDraft& d) {
       decode_object(c, v, p, kSdkFields, d.wallet.sdk);
     }},
};

void add_wallet(Ctx& ctx, Wallet wallet, const Ptr& peer_id_pointer) {
  const auto [owner, inserted] = ctx.peer_id_owner.emplace(wallet.peer_id, wallet.id);
  if (!inserted) {
    ctx.error(peer_id_pointer, "duplicate peer_id " + quote(wallet.peer_id) +
                                   "; already the peer_id of wallet " + quote(owner->second));
  }
  ctx.sc.wallet_index.emplace(wallet.id, ctx.sc.wallets.size());
  ctx.wallet_ids.push_back(wallet.id);
  ctx.sc.wallets.push_back(std::move(wallet));
}

void decode_wallets(Ctx& ctx, const json& value, const Ptr& pointer, Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.wallets_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    WalletDraft draft;
    decode_object(ctx, value[i], element, kWalletFields, draft);
    Wallet& wallet = draft.wallet;
    if (wallet.id.empty()) {
      ctx.wallets_complete = false;
      continue;
    }
    wallet.source = ctx.source(element);
    if (!draft.relays_given) wallet.relays = ctx.relay_ids;
    const Ptr id_pointer = pointer_child(element, "id");
    const Ptr peer_id_pointer = draft.peer_id_given ? pointer_child(element, "peer_id") : id_pointer;
    const std::uint64_t count = draft.count.value_or(1);
    if (ctx.total_wallets + count > limits::kMaxWallets) {
      ctx.error(draft.count ? pointer_child(element, "count") : element,
                "more than " + std::to_string(limits::kMaxWallets) +
                    " wallets in one scenario (the limit)");
      ctx.wallets_complete = false;
      return;
    }
    ctx.total_wallets += count;
    if (!charge_expansion(ctx, count * wallet.relays.size(),
                          draft.count ? pointer_child(element, "count") : element)) {
      ctx.wallets_complete = false;
      return;
    }
    if (!draft.count) {
      if (!draft.peer_id_given) wallet.peer_id = wallet.id;
      if (claim_id(ctx, wallet.id, id_pointer, "the wallet at " + element)) {
        add_wallet(ctx, std::move(wallet), peer_id_pointer);
      }
      continue;
    }
    if (!claim_id(ctx, wallet.id, id_pointer, "the wallets of " + element)) continue;
    auto& group = sc.wallet_groups[wallet.id];
    for (std::uint64_t k = 1; k <= count; ++k) {
      const std::string suffix = "-" + std::to_string(k);
      Wallet member = wallet;
      member.id = wallet.id + suffix;
      member.peer_id = (draft.peer_id_given ? wallet.peer_id : wallet.id) + suffix;
      member.group = wallet.id;
      member.group_index = static_cast<int>(k);
      if (!claim_id(ctx, member.id, draft.count ? pointer_child(element, "count") : id_pointer,
                    "the wallets of " + element)) {
        continue;
      }
      group.push_back(sc.wallets.size());
      add_wallet(ctx, std::move(member), peer_id_pointer);
    }
  }
}

constexpr Field<SharedWallet> kSharedWalletFields[] = {
    {"id", true,
     [](Ctx& c, const json& v, const Ptr& p, SharedWallet& s) { assign(s.id, get_id(c, v, p)); }},
    {"participants", true,
     [](Ctx& c, const json& v, const Ptr& p, SharedWallet& s) {
       auto lists = get_array<std::vector<std::string>>(c, v, p, limits::kMaxWallets, wallets_ref);
       if (!lists) return;
       if (lists->empty()) {
         c.error(p, "a shared wallet needs at least one participant");
         return;
       }
       std::set<std::string> seen;
       for (std::size_t i = 0; i < lists->size(); ++i) {
         for (auto& id : (*lists)[i]) {
           if (!seen.insert(id).second) {
             c.error(pointer_child(p, i), "wallet " + quote(id) + " is listed twice");
             return;
           }
           s.participants.push_back(id);
         }
       }
     }},
};

void decode_shared_wallets(Ctx& ctx, const json& value, const Ptr& pointer, Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.shared_complete = false;
    return;
  }
  if (value.size() > limits::kMaxSharedWallets) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxSharedWallets) +
                           " shared wallets, got " + std::to_string(value.size()));
    ctx.shared_complete = false;
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    SharedWallet shared;
    shared.source = ctx.source(element);
    decode_object(ctx, value[i], element, kSharedWalletFields, shared);
    if (shared.id.empty()) {
      ctx.shared_complete = false;
      continue;
    }
    const auto [first, inserted] = ctx.shared_owner.emplace(shared.id, element);
    if (!inserted) {
      ctx.error(pointer_child(element, "id"), "duplicate shared wallet id " + quote(shared.id) +
                                                  "; first defined at " + first->second);
      continue;
    }
    sc.shared_wallet_index.emplace(shared.id, sc.shared_wallets.size());
    ctx.shared_ids.push_back(shared.id);
    sc.shared_wallets.push_back(std::move(shared));
  }
}

// --- timeline ------------------------------------------------------------------------------------

/// Every key any step may have; the table of each action picks its keys.
struct StepDraft {
  ActionKind kind = ActionKind::heal;
  Step step;
  std::string wallet;
  std::string peer;
  std::vector<std::string> peers;
  std::string shared_wallet;
  std::optional<std::string> recipient;
  std::optional<std::int64_t> amount_sats;
  std::string relay;
  std::optional<Duration> for_duration;
  std::array<std::vector<std::string>, 2> between;
  std::optional<LatencySpec> latency;
  std::optional<double> loss;
};

constexpr Field<Repeat> kRepeatFields[] = {
    {"every", true,
     [](Ctx& c, const json& v, const Ptr& p, Repeat& r) { assign(r.every, get_positive_time(c, v, p)); }},
    {"times", false,
     [](Ctx& c, const json& v, const Ptr& p, Repeat& r) {
       if (auto times = get_integer(c, v, p, 1, static_cast<std::int64_t>(limits::kMaxTimelineRuns))) {
         r.times = static_cast<std::uint64_t>(*times);
       }
     }},
};

using StepField = Field<StepDraft>;

constexpr StepField kAtField{"at", true, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                               assign(d.step.at, get_moment(c, v, p));
                             }};
constexpr StepField kDoField{"do", true, [](Ctx&, const json&, const Ptr&, StepDraft&) {}};
constexpr StepField kIdField{"id", false, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                               auto id = get_id(c, v, p);
                               if (!id) {
                                 c.steps_complete = false;
                                 return;
                               }
                               const Ptr step_pointer = p.substr(0, p.rfind('/'));
                               const auto [first, inserted] =
                                   c.steps.emplace(*id, StepInfo{d.kind, step_pointer, {}});
                               if (!inserted) {
                                 c.error(p, "duplicate step id " + quote(*id) +
                                                "; first defined at " + first->second.pointer);
                                 return;
                               }
                               c.step_ids.push_back(*id);
                               d.step.id = *id;
                             }};
constexpr StepField kRepeatField{"repeat", false,
                                 [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                   Repeat repeat;
                                   if (decode_object(c, v, p, kRepeatFields, repeat)) {
                                     d.step.repeat = repeat;
                                   }
                                 }};
constexpr StepField kWalletField{"wallet", true,
                                 [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                   assign(d.wallet, wallet_ref(c, v, p));
                                 }};
constexpr StepField kPeerField{"peer", true, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                 assign(d.peer, wallet_ref(c, v, p));
                               }};
constexpr StepField kPeersField{
    "peers", true, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
      auto lists = get_array<std::vector<std::string>>(c, v, p, limits::kMaxWallets, wallets_ref);
      if (!lists) return;
      for (auto& list : *lists) d.peers.insert(d.peers.end(), list.begin(), list.end());
    }};
constexpr StepField kSharedWalletField{"shared_wallet", true,
                                       [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                         assign(d.shared_wallet, shared_wallet_ref(c, v, p));
                                       }};
constexpr StepField kRecipientField{"recipient", false,
                                    [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                      assign(d.recipient, get_string(c, v, p));
                                    }};
constexpr StepField kAmountField{
    "amount_sats", false, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
      assign(d.amount_sats,
             get_integer(c, v, p, 0, std::numeric_limits<std::int64_t>::max()));
    }};
constexpr StepField kRelayField{"relay", true, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                  assign(d.relay, relay_ref(c, v, p));
                                }};
constexpr StepField kForField{"for", false, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                assign(d.for_duration, get_time(c, v, p));
                              }};
constexpr StepField kLatencyField{"latency", false,
                                  [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                    assign(d.latency, get_latency(c, v, p));
                                  }};
constexpr StepField kLossField{"loss", false, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
                                 assign(d.loss, get_number(c, v, p, 0, 1));
                               }};

/// One side of a partition: wallet, group or relay ids, as wallet and relay ids.
std::optional<std::vector<std::string>> get_partition_side(Ctx& ctx, const json& value,
                                                           const Ptr& pointer) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array of wallet or relay ids, got " + describe(value));
    return std::nullopt;
  }
  if (value.empty()) {
    ctx.error(pointer, "a side of a partition needs at least one wallet or relay");
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  bool ok = true;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    const auto id = get_string(ctx, value[i], element);
    if (!id) {
      ok = false;
      continue;
    }
    std::vector<std::string> members;
    if (ctx.sc.wallet_index.count(*id) != 0 || ctx.sc.relay_index.count(*id) != 0) {
      if (!charge_expansion(ctx, 1, element)) return std::nullopt;
      members.push_back(*id);
    } else if (const auto group = ctx.sc.wallet_groups.find(*id);
               group != ctx.sc.wallet_groups.end()) {
      if (!charge_expansion(ctx, group->second.size(), element)) return std::nullopt;
      for (const std::size_t index : group->second) members.push_back(ctx.sc.wallets[index].id);
    } else {
      if (ctx.wallets_complete && ctx.relays_complete) {
        std::vector<std::string> known = ctx.wallet_ids;
        known.insert(known.end(), ctx.relay_ids.begin(), ctx.relay_ids.end());
        ctx.error(element, "unknown wallet or relay " + quote(*id) + "; " +
                               known_list(known, "wallets or relays"));
      }
      ok = false;
      continue;
    }
    for (auto& member : members) {
      if (seen.insert(member).second) out.push_back(std::move(member));
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

constexpr StepField kBetweenField{
    "between", true, [](Ctx& c, const json& v, const Ptr& p, StepDraft& d) {
      if (!v.is_array() || v.size() != 2) {
        c.error(p, "expected two lists of wallet or relay ids, [[...], [...]], got " +
                       (v.is_array() ? "an array of " + std::to_string(v.size()) : describe(v)));
        return;
      }
      auto left = get_partition_side(c, v[0], pointer_child(p, 0));
      auto right = get_partition_side(c, v[1], pointer_child(p, 1));
      if (!left || !right) return;
      const std::set<std::string> left_set(left->begin(), left->end());
      for (std::size_t i = 0; i < v[1].size(); ++i) {
        // Report at the element of the right side that brought the overlapping id.
        const auto& written = v[1][i].get_ref<const std::string&>();
        std::vector<std::string> members;
        if (const auto group = c.sc.wallet_groups.find(written); group != c.sc.wallet_groups.end()) {
          for (const std::size_t index : group->second) members.push_back(c.sc.wallets[index].id);
        } else {
          members.push_back(written);
        }
        for (const auto& member : members) {
          if (left_set.count(member) != 0) {
            c.error(pointer_child(pointer_child(p, 1), i),
                    quote(member) + " is on both sides of the partition");
            return;
          }
        }
      }
      d.between = {std::move(*left), std::move(*right)};
    }};

constexpr StepField kConnectFields[] = {kAtField, kDoField, kIdField, kRepeatField, kWalletField,
                                        kPeerField};
constexpr StepField kConnectManyFields[] = {kAtField,     kDoField,     kIdField,
                                            kRepeatField, kWalletField, kPeersField};
constexpr StepField kProposeSpendFields[] = {kAtField,           kDoField,        kIdField,
                                             kRepeatField,       kWalletField,    kSharedWalletField,
                                             kRecipientField,    kAmountField};
constexpr StepField kWalletOnlyFields[] = {kAtField, kDoField, kIdField, kRepeatField, kWalletField};
constexpr StepField kRelayDownFields[] = {kAtField,     kDoField,    kIdField,
                                          kRepeatField, kRelayField, kForField};
constexpr StepField kRelayUpFields[] = {kAtField, kDoField, kIdField, kRepeatField, kRelayField};
constexpr StepField kPartitionFields[] = {kAtField,     kDoField,      kIdField,
                                          kRepeatField, kBetweenField, kForField};
constexpr StepField kHealFields[] = {kAtField, kDoField, kIdField, kRepeatField};
constexpr StepField kSetNetworkFields[] = {kAtField,     kDoField,      kIdField,
                                           kRepeatField, kLatencyField, kLossField};

bool decode_step_fields(Ctx& ctx, const json& value, const Ptr& pointer, StepDraft& draft) {
  switch (draft.kind) {
    case ActionKind::connect:
    case ActionKind::drop_connection:
      return decode_object(ctx, value, pointer, kConnectFields, draft);
    case ActionKind::connect_many: return decode_object(ctx, value, pointer, kConnectManyFields, draft);
    case ActionKind::propose_spend:
      return decode_object(ctx, value, pointer, kProposeSpendFields, draft);
    case ActionKind::go_offline:
    case ActionKind::go_online:
    case ActionKind::reload:
    case ActionKind::nat_rebind:
      return decode_object(ctx, value, pointer, kWalletOnlyFields, draft);
    case ActionKind::relay_down: return decode_object(ctx, value, pointer, kRelayDownFields, draft);
    case ActionKind::relay_up: return decode_object(ctx, value, pointer, kRelayUpFields, draft);
    case ActionKind::partition: return decode_object(ctx, value, pointer, kPartitionFields, draft);
    case ActionKind::heal: return decode_object(ctx, value, pointer, kHealFields, draft);
    case ActionKind::set_network: return decode_object(ctx, value, pointer, kSetNetworkFields, draft);
  }
  return false;
}

Action make_action(StepDraft& d) {
  switch (d.kind) {
    case ActionKind::connect: return ConnectAction{d.wallet, d.peer};
    case ActionKind::connect_many: return ConnectManyAction{d.wallet, d.peers};
    case ActionKind::propose_spend: {
      ProposeSpendAction action{d.wallet, d.shared_wallet};
      if (d.recipient) action.recipient = *d.recipient;
      if (d.amount_sats) action.amount_sats = *d.amount_sats;
      return action;
    }
    case ActionKind::go_offline: return GoOfflineAction{d.wallet};
    case ActionKind::go_online: return GoOnlineAction{d.wallet};
    case ActionKind::reload: return ReloadAction{d.wallet};
    case ActionKind::relay_down: return RelayDownAction{d.relay, d.for_duration};
    case ActionKind::relay_up: return RelayUpAction{d.relay};
    case ActionKind::partition: return PartitionAction{d.between, d.for_duration};
    case ActionKind::heal: return HealAction{};
    case ActionKind::drop_connection: return DropConnectionAction{d.wallet, d.peer};
    case ActionKind::nat_rebind: return NatRebindAction{d.wallet};
    case ActionKind::set_network: return SetNetworkAction{d.latency, d.loss};
  }
  return HealAction{};
}

/// Runs of a step up to `until`.
std::uint64_t runs_of(const Step& step, Duration until) {
  if (step.at > until) return 0;
  if (!step.repeat) return 1;
  const std::uint64_t fit =
      static_cast<std::uint64_t>((until - step.at) / step.repeat->every) + 1;
  return step.repeat->times ? std::min(*step.repeat->times, fit) : fit;
}

void decode_timeline(Ctx& ctx, const json& value, const Ptr& pointer, Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    ctx.steps_complete = false;
    return;
  }
  if (value.size() > limits::kMaxTimelineSteps) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxTimelineSteps) + " steps, got " +
                           std::to_string(value.size()));
    ctx.steps_complete = false;
    return;
  }
  bool runs_reported = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    const json& object = value[i];
    if (!object.is_object()) {
      ctx.error(element, "expected a step (an object), got " + describe(object));
      ctx.steps_complete = false;
      continue;
    }
    std::optional<ActionKind> kind;
    const auto action = object.find("do");
    if (action == object.end()) {
      ctx.error(element, "missing required key \"do\"");
    } else {
      kind = get_enum(ctx, *action, pointer_child(element, "do"), kActions);
    }
    if (!kind) {
      // Keep the step's id known, so expectations naming it add no "unknown step" error.
      const auto id = object.find("id");
      if (id != object.end() && id->is_string()) {
        ctx.steps.emplace(id->get<std::string>(), StepInfo{std::nullopt, element, {}});
      } else if (id != object.end()) {
        ctx.steps_complete = false;
      }
      continue;
    }
    StepDraft draft;
    draft.kind = *kind;
    const bool ok = decode_step_fields(ctx, object, element, draft);
    if (draft.step.id) {
      StepInfo& info = ctx.steps[*draft.step.id];
      info.peers = draft.peers;
      info.complete = ok;
    }
    if (!ok) continue;
    if (draft.kind == ActionKind::set_network && !draft.latency && !draft.loss) {
      ctx.error(element, "set_network needs \"latency\" or \"loss\"");
      continue;
    }
    Step step = std::move(draft.step);
    step.action = make_action(draft);
    step.index = i;
    step.source = ctx.source(element);
    if (ctx.until_valid && !runs_reported) {
      // A run's cost is the connects it starts: connect_many one per peer, propose_spend one per
      // participant (each run leaves that many records and history entries).
      std::uint64_t weight = 1;
      if (draft.kind == ActionKind::connect_many) {
        weight = std::max<std::uint64_t>(1, draft.peers.size());
      } else if (draft.kind == ActionKind::propose_spend) {
        const auto shared = sc.shared_wallet_index.find(draft.shared_wallet);
        if (shared != sc.shared_wallet_index.end()) {
          weight = std::max<std::uint64_t>(1, sc.shared_wallets[shared->second].participants.size());
        }
      } else if (draft.kind == ActionKind::reload || draft.kind == ActionKind::go_online ||
                 draft.kind == ActionKind::partition) {
        // A rejoin's advertisement reaches every wallet; a partition checks every connection
        // and relay link.
        weight = std::max<std::uint64_t>(1, sc.wallets.size());
      } else if (draft.kind == ActionKind::relay_down) {
        // Every wallet on the relay loses its reservation (and may redial it).
        if (!ctx.relay_holders_counted) {
          for (const Wallet& w : sc.wallets) {
            for (const auto& r : w.relays) ++ctx.relay_holders[r];
          }
          ctx.relay_holders_counted = true;
        }
        const auto holders = ctx.relay_holders.find(draft.relay);
        weight = std::max<std::uint64_t>(1, holders == ctx.relay_holders.end() ? 0 : holders->second);
      }
      const unsigned __int128 runs =
          static_cast<unsigned __int128>(runs_of(step, sc.until)) * weight + ctx.total_runs;
      ctx.total_runs = runs > limits::kMaxTimelineRuns ? limits::kMaxTimelineRuns + 1
                                                       : static_cast<std::uint64_t>(runs);
      // Each connect may make retry.max_attempts passes down the ladder, each one recorded.
      std::uint64_t max_attempts = 1;
      if (draft.kind == ActionKind::connect || draft.kind == ActionKind::connect_many ||
          draft.kind == ActionKind::propose_spend) {
        const auto connecting = sc.wallet_index.find(draft.wallet);
        if (connecting != sc.wallet_index.end()) {
          max_attempts = static_cast<std::uint64_t>(
              std::max(1, sc.wallets[connecting->second].store.p2p.retry.max_attempts));
        }
      }
      const unsigned __int128 attempts =
          static_cast<unsigned __int128>(runs_of(step, sc.until)) * weight * max_attempts +
          ctx.total_attempts;
      ctx.total_attempts = attempts > limits::kMaxTimelineAttempts
                               ? limits::kMaxTimelineAttempts + 1
                               : static_cast<std::uint64_t>(attempts);
      if (ctx.total_runs > limits::kMaxTimelineRuns) {
        ctx.error(step.repeat ? pointer_child(element, "repeat") : element,
                  "the timeline runs more than " + std::to_string(limits::kMaxTimelineRuns) +
                      " steps before `until` (the limit; a connect_many counts once per peer, a "
                      "propose_spend once per participant, a reload, go_online or partition once "
                      "per wallet, a relay_down once per wallet on the relay)");
        runs_reported = true;
      } else if (ctx.total_attempts > limits::kMaxTimelineAttempts) {
        ctx.error(step.repeat ? pointer_child(element, "repeat") : element,
                  "the timeline may make more than " +
                      std::to_string(limits::kMaxTimelineAttempts) +
                      " connection attempts before `until` (the limit): each run of a connect "
                      "counts its wallet's retry.max_attempts, once per peer");
        runs_reported = true;
      }
    }
    if (step.id) sc.step_index.emplace(*step.id, sc.timeline.size());
    sc.timeline.push_back(std::move(step));
  }
}

// --- expectations --------------------------------------------------------------------------------

constexpr Field<StatusExpectation> kStatusTargetFields[] = {
    {"wallet", true,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.wallet, wallet_ref(c, v, p));
     }},
    {"peer", true,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.peer, wallet_ref(c, v, p));
     }},
};

constexpr Field<StatusExpectation> kStatusFields[] = {
    {"status", true,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       decode_object(c, v, p, kStatusTargetFields, e);
     }},
    {"sequence", true,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.sequence, get_array<store::ConnectionStatus>(
                              c, v, p, limits::kMaxJsonValues,
                              [](Ctx& c2, const json& v2, const Ptr& p2) {
                                return get_enum(c2, v2, p2, kStatuses);
                              }));
     }},
    {"connection_type", false,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"within", false,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.within, get_time(c, v, p));
     }},
    {"at", false,
     [](Ctx& c, const json& v, const Ptr& p, StatusExpectation& e) {
       assign(e.at, get_moment(c, v, p));
     }},
};

constexpr Field<EventPattern> kEventPatternFields[] = {
    {"type", false,
     [](Ctx& c, const json& v, const Ptr& p, EventPattern& e) {
       if (auto type = get_enum(c, v, p, kEventTypes)) e.type = std::string(*type);
     }},
    {"message", false,
     [](Ctx& c, const json& v, const Ptr& p, EventPattern& e) {
       assign(e.message, get_string(c, v, p));
     }},
    {"contains", false,
     [](Ctx& c, const json& v, const Ptr& p, EventPattern& e) {
       assign(e.contains, get_string(c, v, p));
     }},
    {"peer", false,
     [](Ctx& c, const json& v, const Ptr& p, EventPattern& e) { assign(e.peer, wallet_ref(c, v, p)); }},
};

std::optional<std::vector<EventPattern>> get_patterns(Ctx& ctx, const json& value,
                                                      const Ptr& pointer) {
  return get_array<EventPattern>(ctx, value, pointer, limits::kMaxJsonValues,
                                 [](Ctx& c, const json& v, const Ptr& p) -> std::optional<EventPattern> {
                                   EventPattern pattern;
                                   if (!decode_object(c, v, p, kEventPatternFields, pattern)) {
                                     return std::nullopt;
                                   }
                                   return pattern;
                                 });
}

constexpr Field<EventsExpectation> kEventsTargetFields[] = {
    {"wallet", true,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       assign(e.wallet, wallet_ref(c, v, p));
     }},
};

constexpr Field<EventsExpectation> kEventsFields[] = {
    {"events", true,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       decode_object(c, v, p, kEventsTargetFields, e);
     }},
    {"sequence", false,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       assign(e.sequence, get_patterns(c, v, p));
     }},
    {"mode", false,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       assign(e.mode, get_enum(c, v, p, kEventsModes));
     }},
    {"absent", false,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       assign(e.absent, get_patterns(c, v, p));
     }},
    {"at", false,
     [](Ctx& c, const json& v, const Ptr& p, EventsExpectation& e) {
       assign(e.at, get_moment(c, v, p));
     }},
};

struct ResultDraft {
  ResultExpectation e;
  const StepInfo* step = nullptr;
};

constexpr Field<ResultDraft> kResultFields[] = {
    {"result", true,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) {
       const StepInfo* step = step_ref(c, v, p);
       if (!step) return;
       const ActionKind kind = *step->kind;
       if (kind != ActionKind::connect && kind != ActionKind::connect_many &&
           kind != ActionKind::propose_spend) {
         c.error(p, "step " + quote(v.get<std::string>()) + " is a " + std::string(to_string(kind)) +
                        " step, which returns no result; \"result\" needs a connect, "
                        "connect_many or propose_spend step");
         return;
       }
       d.e.step = v.get<std::string>();
       d.e.step_kind = kind;
       d.step = step;
     }},
    {"peer", false,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) { assign(d.e.peer, wallet_ref(c, v, p)); }},
    {"success", false,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) { assign(d.e.success, get_bool(c, v, p)); }},
    {"connection_type", false,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) {
       assign(d.e.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"error", false,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) { assign(d.e.error, get_string(c, v, p)); }},
    {"error_contains", false,
     [](Ctx& c, const json& v, const Ptr& p, ResultDraft& d) {
       assign(d.e.error_contains, get_string(c, v, p));
     }},
};

struct GetterDraft {
  GetterExpectation e;
  bool getter_known = false;
};

constexpr Field<PeerStatusMatch> kPeerStatusFields[] = {
    {"status", true,
     [](Ctx& c, const json& v, const Ptr& p, PeerStatusMatch& m) {
       assign(m.status, get_enum(c, v, p, kStatuses));
     }},
    {"connection_type", false,
     [](Ctx& c, const json& v, const Ptr& p, PeerStatusMatch& m) {
       assign(m.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"error", false,
     [](Ctx& c, const json& v, const Ptr& p, PeerStatusMatch& m) {
       assign(m.error, get_string(c, v, p));
     }},
};

// `getter` comes before `equals`, whose type it decides.
constexpr Field<GetterDraft> kGetterFields[] = {
    {"getter", true,
     [](Ctx& c, const json& v, const Ptr& p, GetterDraft& d) {
       if (auto getter = get_enum(c, v, p, kGetters)) {
         d.e.getter = *getter;
         d.getter_known = true;
       }
     }},
    {"wallet", true,
     [](Ctx& c, const json& v, const Ptr& p, GetterDraft& d) { assign(d.e.wallet, wallet_ref(c, v, p)); }},
    {"peer", false,
     [](Ctx& c, const json& v, const Ptr& p, GetterDraft& d) { assign(d.e.peer, wallet_ref(c, v, p)); }},
    {"equals", true,
     [](Ctx& c, const json& v, const Ptr& p, GetterDraft& d) {
       if (!d.getter_known) return;
       switch (d.e.getter) {
         case Getter::connected_online_peer_count:
           if (!v.is_number_unsigned()) {
             c.error(p, "connected_online_peer_count is a count: expected an integer >= 0, got " +
                            describe(v));
             return;
           }
           d.e.equals = v.get<std::uint64_t>();
           return;
         case Getter::is_peer_connected:
           if (auto flag = get_bool(c, v, p)) d.e.equals = *flag;
           return;
         case Getter::peer_status: {
           PeerStatusMatch match;
           if (v.is_string()) {
             if (auto status = get_enum(c, v, p, kStatuses)) {
               match.status = *status;
               d.e.equals = match;
             }
           } else if (v.is_object()) {
             if (decode_object(c, v, p, kPeerStatusFields, match)) d.e.equals = match;
           } else {
             c.error(p, "expected a status (\"connected\", ...) or {\"status\", "
                        "\"connection_type\"?, \"error\"?}, got " +
                            describe(v));
           }
           return;
         }
       }
     }},
    {"at", false,
     [](Ctx& c, const json& v, const Ptr& p, GetterDraft& d) { assign(d.e.at, get_moment(c, v, p)); }},
};

struct MetricDraft {
  MetricExpectation e;
  bool metric_known = false;
};

std::optional<double> get_metric_bound(Ctx& ctx, const json& value, const Ptr& pointer,
                                       const MetricDraft& draft) {
  if (!draft.metric_known) return std::nullopt;
  if (is_time_metric(draft.e.metric)) {
    const auto time = get_time(ctx, value, pointer);
    if (!time) return std::nullopt;
    return static_cast<double>(time->count()) / 1e6;
  }
  if (draft.e.metric == Metric::connections_per_sim_second) {
    return get_number(ctx, value, pointer, 0, std::nullopt);
  }
  return get_number(ctx, value, pointer, 0, 1);
}

// `metric` comes before the bounds, whose type it decides.
constexpr Field<MetricDraft> kMetricFields[] = {
    {"metric", true,
     [](Ctx& c, const json& v, const Ptr& p, MetricDraft& d) {
       if (auto metric = get_enum(c, v, p, kMetrics)) {
         d.e.metric = *metric;
         d.metric_known = true;
       }
     }},
    {"at_least", false,
     [](Ctx& c, const json& v, const Ptr& p, MetricDraft& d) {
       assign(d.e.at_least, get_metric_bound(c, v, p, d));
     }},
    {"at_most", false,
     [](Ctx& c, const json& v, const Ptr& p, MetricDraft& d) {
       assign(d.e.at_most, get_metric_bound(c, v, p, d));
     }},
};

constexpr Field<SessionExpectation> kSessionFields[] = {
    {"session", true,
     [](Ctx& c, const json& v, const Ptr& p, SessionExpectation& e) {
       const StepInfo* step = step_ref(c, v, p);
       if (!step) return;
       if (*step->kind != ActionKind::propose_spend) {
         c.error(p, "step " + quote(v.get<std::string>()) + " is a " +
                        std::string(to_string(*step->kind)) +
                        " step; \"session\" needs a propose_spend step");
         return;
       }
       e.step = v.get<std::string>();
     }},
    {"state", true,
     [](Ctx& c, const json& v, const Ptr& p, SessionExpectation& e) {
       assign(e.state, get_enum(c, v, p, kSessionStates));
     }},
    {"within", false,
     [](Ctx& c, const json& v, const Ptr& p, SessionExpectation& e) {
       assign(e.within, get_time(c, v, p));
     }},
};

constexpr std::string_view kExpectationForms[] = {"status", "events", "result",
                                                  "getter", "metric", "session"};

std::optional<ExpectationBody> decode_expectation(Ctx& ctx, const json& value,
                                                  const Ptr& pointer) {
  if (!value.is_object()) {
    ctx.error(pointer, "expected an expectation (an object), got " + describe(value));
    return std::nullopt;
  }
  std::vector<std::string> forms;
  for (const auto form : kExpectationForms) {
    if (value.contains(std::string(form))) forms.emplace_back(form);
  }
  if (forms.size() != 1) {
    std::vector<std::string> quoted;
    for (const auto form : kExpectationForms) quoted.push_back(quote(form));
    std::vector<std::string> found;
    for (const auto& form : forms) found.push_back(quote(form));
    ctx.error(pointer, "an expectation has exactly one of the keys " + join(quoted) + "; " +
                           (forms.empty() ? std::string("found none") : "found " + join(found, " and ")));
    return std::nullopt;
  }
  const std::string& form = forms.front();
  if (form == "status") {
    StatusExpectation e;
    if (!decode_object(ctx, value, pointer, kStatusFields, e)) return std::nullopt;
    return e;
  }
  if (form == "events") {
    EventsExpectation e;
    if (!decode_object(ctx, value, pointer, kEventsFields, e)) return std::nullopt;
    if (!value.contains("sequence") && !value.contains("absent")) {
      ctx.error(pointer, "an events expectation needs \"sequence\" or \"absent\"");
      return std::nullopt;
    }
    return e;
  }
  if (form == "result") {
    ResultDraft d;
    if (!decode_object(ctx, value, pointer, kResultFields, d)) return std::nullopt;
    if (d.step == nullptr) return std::nullopt;  // a step whose own `do` was invalid
    const Ptr peer_pointer = pointer_child(pointer, "peer");
    if (d.e.step_kind == ActionKind::connect_many) {
      if (!d.e.peer) {
        ctx.error(pointer, "the result of connect_many step " + quote(d.e.step) +
                               " needs \"peer\": which of its peers");
        return std::nullopt;
      }
      const auto& peers = d.step->peers;
      if (d.step->complete && std::find(peers.begin(), peers.end(), *d.e.peer) == peers.end()) {
        ctx.error(peer_pointer,
                  quote(*d.e.peer) + " is not among the peers of step " + quote(d.e.step));
        return std::nullopt;
      }
    } else if (d.e.peer) {
      ctx.key_error(peer_pointer, "\"peer\" applies only to the result of a connect_many step");
      return std::nullopt;
    }
    if (d.e.step_kind == ActionKind::propose_spend && d.e.connection_type) {
      ctx.key_error(pointer_child(pointer, "connection_type"),
                    "\"connection_type\" does not apply to the result of a propose_spend step");
      return std::nullopt;
    }
    return d.e;
  }
  if (form == "getter") {
    GetterDraft d;
    if (!decode_object(ctx, value, pointer, kGetterFields, d)) return std::nullopt;
    const bool needs_peer = d.e.getter != Getter::connected_online_peer_count;
    if (needs_peer && !d.e.peer) {
      ctx.error(pointer, "the getter " + quote(to_string(d.e.getter)) + " needs \"peer\"");
      return std::nullopt;
    }
    if (!needs_peer && d.e.peer) {
      ctx.key_error(pointer_child(pointer, "peer"),
                    "the getter " + quote(to_string(d.e.getter)) + " takes no \"peer\"");
      return std::nullopt;
    }
    return d.e;
  }
  if (form == "metric") {
    MetricDraft d;
    if (!decode_object(ctx, value, pointer, kMetricFields, d)) return std::nullopt;
    if (!d.e.at_least && !d.e.at_most) {
      ctx.error(pointer, "a metric expectation needs \"at_least\" or \"at_most\"");
      return std::nullopt;
    }
    if (d.e.at_least && d.e.at_most && *d.e.at_most < *d.e.at_least) {
      ctx.error(pointer_child(pointer, "at_most"), "at_most must not be less than at_least");
      return std::nullopt;
    }
    return d.e;
  }
  SessionExpectation e;
  if (!decode_object(ctx, value, pointer, kSessionFields, e)) return std::nullopt;
  return e;
}

void decode_expectations(Ctx& ctx, const json& value, const Ptr& pointer, Scenario& sc) {
  if (!value.is_array()) {
    ctx.error(pointer, "expected an array, got " + describe(value));
    return;
  }
  if (value.size() > limits::kMaxExpectations) {
    ctx.error(pointer, "at most " + std::to_string(limits::kMaxExpectations) +
                           " expectations, got " + std::to_string(value.size()));
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Ptr element = pointer_child(pointer, i);
    if (auto body = decode_expectation(ctx, value[i], element)) {
      sc.expectations.push_back(Expectation{std::move(*body), i, ctx.source(element)});
    }
  }
}

// --- top level -----------------------------------------------------------------------------------

// Decoded in this order: what later keys refer to comes first.
constexpr Field<Scenario> kScenarioFields[] = {
    {"format", true, [](Ctx&, const json&, const Ptr&, Scenario&) {}},  // checked before
    {"name", true,
     [](Ctx& c, const json& v, const Ptr& p, Scenario& s) {
       auto name = get_string(c, v, p);
       if (!name) return;
       if (name->empty()) {
         c.error(p, "a scenario name must not be empty");
         return;
       }
       s.name = *name;
       s.name_source = c.source(p);
     }},
    {"description", false,
     [](Ctx& c, const json& v, const Ptr& p, Scenario& s) {
       assign(s.description, get_string(c, v, p));
     }},
    {"seed", false,
     [](Ctx& c, const json& v, const Ptr& p, Scenario& s) { assign(s.seed, get_uint64(c, v, p)); }},
    {"until", false,
     [](Ctx& c, const json& v, const Ptr& p, Scenario& s) {
       auto until = get_positive_time(c, v, p);
       if (until && *until > limits::kMaxUntil) {
         c.error(p, "until must be at most " + format_time(limits::kMaxUntil) + " (the limit), got " +
                        describe(v));
         until.reset();
       }
       if (!until) {
         c.until_valid = false;
         return;
       }
       s.until = *until;
     }},
    {"network", false,
     [](Ctx& c, const json& v, const Ptr& p, Scenario& s) {
       if (!v.is_object()) c.relays_complete = false;
       decode_object(c, v, p, kNetworkFields, s.network);
     }},
    {"wallets", false, decode_wallets},
    {"shared_wallets", false, decode_shared_wallets},
    {"timeline", false, decode_timeline},
    {"expect", false, decode_expectations},
};

/// The blame for a budget: the value at `pointer` when the file has it, else `fallback`.
Ptr written_or(const Ctx& ctx, const Ptr& pointer, const Ptr& fallback) {
  return ctx.doc.value_positions.count(pointer) != 0 ? pointer : fallback;
}

std::string format_count(double n) {
  if (n < 1e15) return std::to_string(static_cast<std::uint64_t>(n));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1e", n);
  return buffer;
}

/// Periodic activities whose work before `until` the file sets: each must stay within
/// limits::kMaxPeriodicEvents (and a hole punch within limits::kMaxIceChecks), or the run would
/// exhaust the machine rather than end. Estimates in double: the products overflow 64 bits.
void check_run_budget(Ctx& ctx) {
  const Scenario& sc = ctx.sc;
  const double until = static_cast<double>(sc.until.count());
  const double wallets = static_cast<double>(sc.wallets.size());
  const double limit = static_cast<double>(limits::kMaxPeriodicEvents);
  const auto too_much = [&](const Ptr& pointer, const std::string& what, double estimate,
                           std::string_view unit) {
    ctx.error(pointer, what + " makes about " + format_count(estimate) + " " + std::string(unit) +
                           " before `until`; the limit is " +
                           std::to_string(limits::kMaxPeriodicEvents) +
                           " (raise the interval, shorten `until` or use fewer wallets)");
  };

  const auto& bootstrap = sc.network.bootstrap;
  if (sc.until >= bootstrap.first_peer_exchange) {
    const double ticks =
        std::floor(static_cast<double>((sc.until - bootstrap.first_peer_exchange).count()) /
                   static_cast<double>(bootstrap.peer_exchange_interval.count())) + 1;
    if (ticks * wallets > limit) {
      too_much(written_or(ctx, "/network/bootstrap/peer_exchange_interval", "/until"),
               "peer exchange every " + format_time(bootstrap.peer_exchange_interval) + " to " +
                   format_count(wallets) + (wallets == 1 ? " wallet" : " wallets"),
               ticks * wallets, "deliveries");
    }
  }
  if (sc.network.readvertise_interval > Duration::zero()) {
    const double ticks =
        std::floor(until / static_cast<double>(sc.network.readvertise_interval.count()));
    const double deliveries = ticks * wallets * std::max(0.0, wallets - 1);
    if (deliveries > limit) {
      too_much(written_or(ctx, "/network/readvertise_interval", "/until"),
               "re-advertising every " + format_time(sc.network.readvertise_interval) + " among " +
                   format_count(wallets) + (wallets == 1 ? " wallet" : " wallets"),
               deliveries, "deliveries");
    }
  }
  double redials = 0;
  const Wallet* worst = nullptr;
  double worst_redials = 0;
  for (const Wallet& wallet : sc.wallets) {
    if (wallet.relay_reconnect.kind != RelayReconnectKind::interval) continue;
    const double mine = std::floor(until / static_cast<double>(wallet.relay_reconnect.interval.count())) *
                        static_cast<double>(wallet.relays.size());
    redials += mine;
    if (worst == nullptr || mine > worst_redials) {
      worst = &wallet;
      worst_redials = mine;
    }
  }
  if (redials > limit && worst != nullptr) {
    too_much(written_or(ctx, pointer_child(worst->source.pointer, "relay_reconnect"), "/until"),
             "redialing lost relays every " + format_time(worst->relay_reconnect.interval) +
                 " (over all wallets)",
             redials, "redials");
  }
  // Presence gossip: wallets that come online within one second advertise together, and each
  // advertisement is one delivery to every online wallet.
  if (!sc.wallets.empty()) {
    std::vector<std::pair<Duration, std::size_t>> joins;
    for (std::size_t i = 0; i < sc.wallets.size(); ++i) {
      if (sc.wallets[i].online_at <= sc.until) joins.emplace_back(sc.wallets[i].online_at, i);
    }
    std::sort(joins.begin(), joins.end());
    std::size_t best = 0;
    std::size_t best_from = 0;
    for (std::size_t from = 0, to = 0; from < joins.size(); ++from) {
      while (to < joins.size() && joins[to].first < joins[from].first + std::chrono::seconds(1)) ++to;
      if (to - from > best) {
        best = to - from;
        best_from = from;
      }
    }
    const double in_flight = static_cast<double>(best) * wallets;
    if (in_flight > static_cast<double>(limits::kMaxPresenceInFlight)) {
      const Wallet& first = sc.wallets[joins[best_from].second];
      ctx.error(written_or(ctx, pointer_child(first.source.pointer, "online_at"), first.source.pointer),
                std::to_string(best) + " wallets come online within one second (from " +
                    format_time(joins[best_from].first) + ") and each advertisement reaches all " +
                    format_count(wallets) + " wallets: about " + format_count(in_flight) +
                    " presence deliveries at once; the limit is " +
                    std::to_string(limits::kMaxPresenceInFlight) + " (stagger online_at)");
    }
  }
  const auto& ice = sc.network.ice;
  const double checks =
      static_cast<double>(ice.failed_timeout.count()) / static_cast<double>(ice.check_interval.count());
  if (checks > static_cast<double>(limits::kMaxIceChecks)) {
    ctx.error(written_or(ctx, "/network/ice/check_interval", "/network/ice/failed_timeout"),
              "an ICE check every " + format_time(ice.check_interval) + " for " +
                  format_time(ice.failed_timeout) + " makes " + format_count(checks) +
                  " checks per hole punch; the limit is " + std::to_string(limits::kMaxIceChecks));
  }
}

std::vector<LoadError> finish_errors(std::vector<LoadError> errors, std::size_t dropped) {
  std::stable_sort(errors.begin(), errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (errors.size() > limits::kMaxReportedErrors || dropped > 0) {
    std::size_t more = dropped;
    LoadError note;
    if (errors.size() > limits::kMaxReportedErrors) {
      note = errors[limits::kMaxReportedErrors];
      more += errors.size() - limits::kMaxReportedErrors;
      errors.resize(limits::kMaxReportedErrors);
    } else {
      note = errors.back();
    }
    note.pointer.clear();
    note.message = std::to_string(more) + " more errors not shown";
    errors.push_back(std::move(note));
  }
  return errors;
}

LoadResult fail(std::string file, std::string message) {
  return LoadResult{std::vector<LoadError>{LoadError{std::move(file), 1, 1, "", std::move(message)}}};
}

}  // namespace

// --- public --------------------------------------------------------------------------------------

std::string LoadError::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!pointer.empty()) {
    // A key may hold control characters (written \u0001 in the file) and be megabytes long: the
    // printed pointer escapes the former and is cut after limits::kMaxQuotedChars characters.
    std::string shown = char_count(pointer) > limits::kMaxQuotedChars
                            ? first_chars(pointer, limits::kMaxQuotedChars - 3) + "..."
                            : pointer;
    for (const char c : shown) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 || b == 0x7F) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", b);
        out += escaped;
      } else {
        out += c;
      }
    }
    out += ": ";
  }
  out += message;
  return out;
}

const std::vector<LoadError>& LoadResult::errors() const {
  static const std::vector<LoadError> none;
  if (const auto* errors = std::get_if<std::vector<LoadError>>(&value)) return *errors;
  return none;
}

LoadResult load_scenario_text(std::string_view text, std::string source_name) {
  if (text.size() > limits::kMaxFileBytes) {
    return fail(std::move(source_name), "the file is larger than " +
                                            std::to_string(limits::kMaxFileBytes) +
                                            " bytes (16 MiB, the limit)");
  }
  JsonParseResult parsed = parse_json_with_positions(text);
  if (!parsed.ok()) {
    std::vector<LoadError> errors;
    for (auto& error : parsed.errors) {
      errors.push_back(LoadError{source_name, error.position.line, error.position.column,
                                 std::move(error.pointer), std::move(error.message)});
    }
    return LoadResult{finish_errors(std::move(errors), 0)};
  }
  Ctx ctx(source_name, *parsed.json);
  const json& root = parsed.json->value;
  if (!root.is_object()) {
    ctx.error("", "expected a scenario (an object with \"format\": \"connsim/1\"), got " +
                      describe(root));
    return LoadResult{std::move(ctx.errors)};
  }
  const auto format = root.find("format");
  if (format == root.end()) {
    ctx.error("", "missing required key \"format\" (\"connsim/1\")");
    return LoadResult{std::move(ctx.errors)};
  }
  if (!format->is_string() || format->get_ref<const std::string&>() != kFormat) {
    ctx.error("/format", "unsupported format " + describe(*format) + "; expected \"connsim/1\"");
    return LoadResult{std::move(ctx.errors)};
  }
  ctx.sc.source_file = source_name;
  decode_object(ctx, root, "", kScenarioFields, ctx.sc);
  if (ctx.error_count() == 0) check_run_budget(ctx);
  if (ctx.error_count() > 0) return LoadResult{finish_errors(std::move(ctx.errors), ctx.dropped)};
  return LoadResult{std::move(ctx.sc)};
}

LoadResult load_scenario_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail(name, "cannot read the file: it is a directory");
  std::FILE* file = std::fopen(name.c_str(), "rb");
  if (file == nullptr) return fail(name, "cannot read the file: " + std::string(std::strerror(errno)));
  std::string text;
  char buffer[65536];
  bool too_large = false;
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, got);
    if (text.size() > limits::kMaxFileBytes) {
      too_large = true;
      break;
    }
    if (got < sizeof buffer) break;
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return fail(name, "cannot read the file: " + std::string(std::strerror(error)));
  if (too_large) {
    return fail(name, "the file is larger than " + std::to_string(limits::kMaxFileBytes) +
                          " bytes (16 MiB, the limit)");
  }
  return load_scenario_text(text, name);
}

std::vector<std::filesystem::path> expand_inputs(const std::vector<std::filesystem::path>& inputs,
                                                 std::vector<LoadError>& errors) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    const auto status = fs::status(input, ec);
    if (!fs::exists(status)) {
      errors.push_back(LoadError{input.string(), 1, 1, "",
                                 "no such file or directory" +
                                     (ec && ec != std::errc::no_such_file_or_directory
                                          ? " (" + ec.message() + ")"
                                          : std::string())});
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(input);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::directory_iterator it(input, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code entry_ec;
      if (it->path().extension() == ".json" && fs::is_regular_file(it->path(), entry_ec)) {
        found.push_back(it->path());
      }
    }
    if (ec) {
      errors.push_back(LoadError{input.string(), 1, 1, "", "cannot list the directory: " + ec.message()});
      continue;
    }
    if (found.empty()) {
      errors.push_back(LoadError{input.string(), 1, 1, "", "no *.json file in this directory"});
      continue;
    }
    std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() < b.filename().string();
    });
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::vector<LoadError> check_unique_names(const std::vector<const Scenario*>& scenarios) {
  std::vector<LoadError> errors;
  std::map<std::string, const Scenario*, std::less<>> first;
  for (const Scenario* scenario : scenarios) {
    const auto [it, inserted] = first.emplace(scenario->name, scenario);
    if (inserted) continue;
    errors.push_back(LoadError{scenario->source_file, scenario->name_source.line,
                               scenario->name_source.column, "/name",
                               "duplicate scenario name " + quote(scenario->name) +
                                   "; already the name of " + it->second->source_file});
  }
  return errors;
}

std::optional<Duration> parse_time(std::string_view text) {
  Duration time{};
  if (parse_time_text(text, time) != TimeIssue::none) return std::nullopt;
  return time;
}

std::string format_time(Duration time) {
  std::int64_t ns = time.count();
  if (ns == 0) return "0s";
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  struct Unit {
    std::int64_t ns;
    const char* name;
  };
  constexpr Unit kUnits[] = {{3'600'000'000'000, "h"}, {60'000'000'000, "m"}, {1'000'000'000, "s"},
                             {1'000'000, "ms"},        {1'000, "us"},         {1, "ns"}};
  for (const Unit& unit : kUnits) {
    if (ns % unit.ns == 0) return sign + std::to_string(ns / unit.ns) + unit.name;
  }
  return sign + std::to_string(ns) + "ns";
}

}  // namespace connsim::scenarios
