#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/key_kinds.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/decode/times.hpp"
#include "scenarios/decode/values.hpp"

namespace connsim::scenarios::decode {

namespace {

/// The activity events' types an expectation may name (the store writes them as strings).
constexpr Spelling<std::string_view> kEventTypes[] = {
    {"info", "info"}, {"peer_joined", "peer_joined"}, {"error", "error"}};

/// The states a signing session ends in: the only ones an expectation may ask for.
constexpr Spelling<store::SessionState> kFinalSessionStates[] = {
    {store::SessionState::completed, spelling_of(store::SessionState::completed)},
    {store::SessionState::failed, spelling_of(store::SessionState::failed)}};

constexpr Field<StatusExpectation> kStatusTargetFields[] = {
    required_key<AsWalletRef, &StatusExpectation::wallet>("wallet", "whose P2P store"),
    required_key<AsWalletRef, &StatusExpectation::peer>("peer", "the peer whose status it writes"),
};

json status_sequence_schema() {
  return {{"type", "array"},
          {"items", {{"enum", spellings_of<store::kConnectionStatusSpellings>()}}}};
}

constexpr Field<StatusExpectation> kStatusFields[] = {
    required_object_key<kStatusTargetFields>("status", "the wallet and peer"),
    {"sequence", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.sequence, get_array<store::ConnectionStatus>(
                              c, v, p, limits::kMaxJsonValues,
                              [](DecodeContext& c2, const json& v2, const JsonPointer& p2) {
                                return get_enum(c2, v2, p2, store::kConnectionStatusSpellings);
                              }));
     },
     ValueCheck{.kind = ValueKind::any, .schema = &status_sequence_schema},
     "the statuses written, in order"},
    optional_key<AsEnum<store::kConnectionTypeSpellings>, &StatusExpectation::connection_type>(
        "connection_type", "the connection type of the last write"),
    optional_key<AsTime, &StatusExpectation::within>("within",
                                                     "the sequence completes within this"),
    optional_key<AsMoment, &StatusExpectation::at>("at", "consider only writes up to this time"),
};

constexpr Field<EventPattern> kEventPatternFields[] = {
    {"type", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventPattern& e) {
       if (auto type = get_enum(c, v, p, kEventTypes)) e.type = std::string(*type);
     },
     AsEnum<kEventTypes>::check, "the event's type"},
    optional_key<AsString, &EventPattern::message>("message", "the event's message, equal"),
    optional_key<AsString, &EventPattern::contains>("contains", "a substring of the message"),
    optional_key<AsWalletRef, &EventPattern::peer>("peer", "the wallet the event names"),
};

std::optional<std::vector<EventPattern>> get_patterns(DecodeContext& ctx, const json& value,
                                                      const JsonPointer& pointer) {
  return get_array<EventPattern>(
      ctx, value, pointer, limits::kMaxJsonValues,
      [](DecodeContext& c, const json& v, const JsonPointer& p) -> std::optional<EventPattern> {
        EventPattern pattern;
        if (!decode_object(c, v, p, kEventPatternFields, pattern)) {
          return std::nullopt;
        }
        return pattern;
      });
}

json patterns_schema() {
  return {{"type", "array"}, {"items", object_schema(kEventPatternFields)}};
}

constexpr Field<EventsExpectation> kEventsTargetFields[] = {
    required_key<AsWalletRef, &EventsExpectation::wallet>("wallet", "whose activity feed"),
};

struct AsPatterns {
  static constexpr ValueCheck check{.kind = ValueKind::any, .schema = &patterns_schema};
  static auto decode(DecodeContext& c, const json& v, const JsonPointer& p) {
    return get_patterns(c, v, p);
  }
};

constexpr Field<EventsExpectation> kEventsFields[] = {
    required_object_key<kEventsTargetFields>("events", "the wallet"),
    optional_key<AsPatterns, &EventsExpectation::sequence>("sequence",
                                                           "events that appear in this order"),
    optional_key<AsEnum<kEventsModeSpellings>, &EventsExpectation::mode>(
        "mode", "subsequence (others may come between) or exact"),
    optional_key<AsPatterns, &EventsExpectation::absent>("absent", "events that never appear"),
    optional_key<AsMoment, &EventsExpectation::at>("at", "consider only events up to this time"),
};

struct ResultDraft {
  ResultExpectation e;
  const StepInfo* step = nullptr;
};

constexpr Field<ResultDraft> kResultFields[] = {
    {"result", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       const StepInfo* step = step_ref(c, v, p);
       if (!step) return;
       const ActionKind kind = *step->kind;
       if (kind != ActionKind::connect && kind != ActionKind::connect_many &&
           kind != ActionKind::propose_spend) {
         c.error(p, "step " + quote(v.get<std::string>()) + " is a " +
                        std::string(spelling_of(kind)) +
                        " step, which returns no result; \"result\" needs a connect, "
                        "connect_many or propose_spend step");
         return;
       }
       d.e.step = v.get<std::string>();
       d.e.step_kind = kind;
       d.step = step;
     },
     ValueCheck{.kind = ValueKind::reference},
     "a connect, connect_many or propose_spend step's id"},
    optional_key<AsWalletRef, &ResultDraft::e, &ResultExpectation::peer>(
        "peer", "connect_many only: which of its peers"),
    optional_key<AsBool, &ResultDraft::e, &ResultExpectation::success>("success",
                                                                       "whether it succeeded"),
    optional_key<AsEnum<store::kConnectionTypeSpellings>, &ResultDraft::e,
                 &ResultExpectation::connection_type>("connection_type",
                                                      "the connection type it returned"),
    optional_key<AsString, &ResultDraft::e, &ResultExpectation::error>("error", "its error, equal"),
    optional_key<AsString, &ResultDraft::e, &ResultExpectation::error_contains>(
        "error_contains", "a substring of its error"),
};

/// A required enum key whose value decides how the keys after it decode: sets the member of the
/// draft's expectation `e` and marks the draft `decided`.
template <const auto& Spellings, auto Member, class Draft>
constexpr Field<Draft> deciding_key(std::string_view key, std::string_view help) {
  return {key, true,
          [](DecodeContext& c, const json& v, const JsonPointer& p, Draft& d) {
            if (auto value = get_enum(c, v, p, Spellings)) {
              d.e.*Member = *value;
              d.decided = true;
            }
          },
          AsEnum<Spellings>::check, help};
}

struct GetterDraft {
  GetterExpectation e;
  bool decided = false;  // "getter" was decoded: it decides how "equals" decodes
};

constexpr Field<PeerStatusMatch> kPeerStatusFields[] = {
    required_key<AsEnum<store::kConnectionStatusSpellings>, &PeerStatusMatch::status>(
        "status", "the peer's status"),
    optional_key<AsEnum<store::kConnectionTypeSpellings>, &PeerStatusMatch::connection_type>(
        "connection_type", "its connection type (none = no type)"),
    optional_key<AsString, &PeerStatusMatch::error>("error", "its error, equal"),
};

json equals_schema() {
  const json status = {{"enum", spellings_of<store::kConnectionStatusSpellings>()}};
  return {{"anyOf",
           {{{"type", "integer"}, {"minimum", 0}},
            {{"type", "boolean"}},
            status,
            object_schema(kPeerStatusFields)}}};
}

// `getter` comes before `equals`, whose type it decides.
constexpr Field<GetterDraft> kGetterFields[] = {
    deciding_key<kGetterSpellings, &GetterExpectation::getter, GetterDraft>("getter",
                                                                           "the store getter"),
    required_key<AsWalletRef, &GetterDraft::e, &GetterExpectation::wallet>("wallet", "whose store"),
    optional_key<AsWalletRef, &GetterDraft::e, &GetterExpectation::peer>(
        "peer", "the peer asked about (not for connected_online_peer_count)"),
    {"equals", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
       if (!d.decided) return;
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
             if (auto status = get_enum(c, v, p, store::kConnectionStatusSpellings)) {
               match.status = *status;
               d.e.equals = match;
             }
           } else if (v.is_object()) {
             if (decode_object(c, v, p, kPeerStatusFields, match)) d.e.equals = match;
           } else {
             c.error(p,
                     "expected a status (\"connected\", ...) or {\"status\", "
                     "\"connection_type\"?, \"error\"?}, got " +
                         describe(v));
           }
           return;
         }
       }
     },
     ValueCheck{.kind = ValueKind::any, .schema = &equals_schema},
     "the value expected: a count, a boolean or a status, by getter"},
    optional_key<AsMoment, &GetterDraft::e, &GetterExpectation::at>("at",
                                                                    "when (default: the end)"),
};

struct MetricDraft {
  MetricExpectation e;
  bool decided = false;  // "metric" was decoded: it decides how the bounds decode
};

std::optional<double> get_metric_bound(DecodeContext& ctx, const json& value,
                                       const JsonPointer& pointer, const MetricDraft& draft) {
  if (!draft.decided) return std::nullopt;
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

json metric_bound_schema() {
  return {{"anyOf", {{{"type", "number"}, {"minimum", 0}}, {{"$ref", "#/$defs/time"}}}}};
}

// `metric` comes before the bounds, whose type it decides.
constexpr Field<MetricDraft> kMetricFields[] = {
    deciding_key<kMetricSpellings, &MetricExpectation::metric, MetricDraft>("metric", "the metric"),
    {"at_least", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, MetricDraft& d) {
       assign(d.e.at_least, get_metric_bound(c, v, p, d));
     },
     ValueCheck{.kind = ValueKind::any, .schema = &metric_bound_schema},
     "lower bound: a rate 0...1, a time, or a count per second, by metric"},
    {"at_most", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, MetricDraft& d) {
       assign(d.e.at_most, get_metric_bound(c, v, p, d));
     },
     ValueCheck{.kind = ValueKind::any, .schema = &metric_bound_schema},
     "upper bound: a rate 0...1, a time, or a count per second, by metric"},
};

constexpr Field<SessionExpectation> kSessionFields[] = {
    {"session", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SessionExpectation& e) {
       const StepInfo* step = step_ref(c, v, p);
       if (!step) return;
       if (*step->kind != ActionKind::propose_spend) {
         c.error(p, "step " + quote(v.get<std::string>()) + " is a " +
                        std::string(spelling_of(*step->kind)) +
                        " step; \"session\" needs a propose_spend step");
         return;
       }
       e.step = v.get<std::string>();
     },
     ValueCheck{.kind = ValueKind::reference}, "a propose_spend step's id"},
    required_key<AsEnum<kFinalSessionStates>, &SessionExpectation::state>(
        "state", "the session's end state"),
    optional_key<AsTime, &SessionExpectation::within>("within", "reached within this"),
};

constexpr std::string_view kExpectationForms[] = {"status", "events", "result",
                                                  "getter", "metric", "session"};

std::optional<ExpectationBody> decode_expectation(DecodeContext& ctx, const json& value,
                                                  const JsonPointer& pointer) {
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
    ctx.error(pointer,
              "an expectation has exactly one of the keys " + join(quoted) + "; " +
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
    const JsonPointer peer_pointer = pointer_child(pointer, "peer");
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
    if (needs_peer != d.e.peer.has_value()) {
      const std::string getter = "the getter " + quote(spelling_of(d.e.getter));
      if (needs_peer) {
        ctx.error(pointer, getter + " needs \"peer\"");
      } else {
        ctx.key_error(pointer_child(pointer, "peer"), getter + " takes no \"peer\"");
      }
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
}  // namespace

void decode_expectations(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                         Scenario& sc) {
  if (!is_array_of_at_most(ctx, value, pointer, limits::kMaxExpectations, "expectations")) {
    return;
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const JsonPointer element = pointer_child(pointer, i);
    if (auto body = decode_expectation(ctx, value[i], element)) {
      sc.expectations.push_back(Expectation{std::move(*body), i, ctx.source(element)});
    }
  }
}

json expectations_schema() {
  // Exactly one form key: the forms' keys are closed, so at most one form's schema matches.
  const json forms = {object_schema(kStatusFields), object_schema(kEventsFields),
                      object_schema(kResultFields), object_schema(kGetterFields),
                      object_schema(kMetricFields), object_schema(kSessionFields)};
  return {{"type", "array"}, {"maxItems", limits::kMaxExpectations}, {"items", {{"oneOf", forms}}}};
}
}  // namespace connsim::scenarios::decode
