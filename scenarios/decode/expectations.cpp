#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "scenarios/decode/fields.hpp"
#include "scenarios/decode/references.hpp"
#include "scenarios/decode/scalars.hpp"
#include "scenarios/decode/sections.hpp"
#include "scenarios/decode/spellings.hpp"
#include "scenarios/decode/text.hpp"
#include "scenarios/decode/times.hpp"
#include "scenarios/decode/values.hpp"

namespace connsim::scenarios::decode {

namespace {

constexpr Field<StatusExpectation> kStatusTargetFields[] = {
    {"wallet", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.wallet, wallet_ref(c, v, p));
     }},
    {"peer", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.peer, wallet_ref(c, v, p));
     }},
};

constexpr Field<StatusExpectation> kStatusFields[] = {
    {"status", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       decode_object(c, v, p, kStatusTargetFields, e);
     }},
    {"sequence", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.sequence, get_array<store::ConnectionStatus>(
                              c, v, p, limits::kMaxJsonValues,
                              [](DecodeContext& c2, const json& v2, const JsonPointer& p2) {
                                return get_enum(c2, v2, p2, kStatuses);
                              }));
     }},
    {"connection_type", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"within", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.within, get_time(c, v, p));
     }},
    {"at", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, StatusExpectation& e) {
       assign(e.at, get_moment(c, v, p));
     }},
};

constexpr Field<EventPattern> kEventPatternFields[] = {
    {"type", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventPattern& e) {
       if (auto type = get_enum(c, v, p, kEventTypes)) e.type = std::string(*type);
     }},
    {"message", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventPattern& e) {
       assign(e.message, get_string(c, v, p));
     }},
    {"contains", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventPattern& e) {
       assign(e.contains, get_string(c, v, p));
     }},
    {"peer", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventPattern& e) {
       assign(e.peer, wallet_ref(c, v, p));
     }},
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

constexpr Field<EventsExpectation> kEventsTargetFields[] = {
    {"wallet", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       assign(e.wallet, wallet_ref(c, v, p));
     }},
};

constexpr Field<EventsExpectation> kEventsFields[] = {
    {"events", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       decode_object(c, v, p, kEventsTargetFields, e);
     }},
    {"sequence", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       assign(e.sequence, get_patterns(c, v, p));
     }},
    {"mode", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       assign(e.mode, get_enum(c, v, p, kEventsModes));
     }},
    {"absent", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       assign(e.absent, get_patterns(c, v, p));
     }},
    {"at", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, EventsExpectation& e) {
       assign(e.at, get_moment(c, v, p));
     }},
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
                        std::string(to_string(kind)) +
                        " step, which returns no result; \"result\" needs a connect, "
                        "connect_many or propose_spend step");
         return;
       }
       d.e.step = v.get<std::string>();
       d.e.step_kind = kind;
       d.step = step;
     }},
    {"peer", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       assign(d.e.peer, wallet_ref(c, v, p));
     }},
    {"success", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       assign(d.e.success, get_bool(c, v, p));
     }},
    {"connection_type", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       assign(d.e.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"error", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       assign(d.e.error, get_string(c, v, p));
     }},
    {"error_contains", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, ResultDraft& d) {
       assign(d.e.error_contains, get_string(c, v, p));
     }},
};

struct GetterDraft {
  GetterExpectation e;
  bool getter_known = false;
};

constexpr Field<PeerStatusMatch> kPeerStatusFields[] = {
    {"status", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, PeerStatusMatch& m) {
       assign(m.status, get_enum(c, v, p, kStatuses));
     }},
    {"connection_type", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, PeerStatusMatch& m) {
       assign(m.connection_type, get_enum(c, v, p, kConnectionTypes));
     }},
    {"error", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, PeerStatusMatch& m) {
       assign(m.error, get_string(c, v, p));
     }},
};

// `getter` comes before `equals`, whose type it decides.
constexpr Field<GetterDraft> kGetterFields[] = {
    {"getter", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
       if (auto getter = get_enum(c, v, p, kGetters)) {
         d.e.getter = *getter;
         d.getter_known = true;
       }
     }},
    {"wallet", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
       assign(d.e.wallet, wallet_ref(c, v, p));
     }},
    {"peer", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
       assign(d.e.peer, wallet_ref(c, v, p));
     }},
    {"equals", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
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
             c.error(p,
                     "expected a status (\"connected\", ...) or {\"status\", "
                     "\"connection_type\"?, \"error\"?}, got " +
                         describe(v));
           }
           return;
         }
       }
     }},
    {"at", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, GetterDraft& d) {
       assign(d.e.at, get_moment(c, v, p));
     }},
};

struct MetricDraft {
  MetricExpectation e;
  bool metric_known = false;
};

std::optional<double> get_metric_bound(DecodeContext& ctx, const json& value,
                                       const JsonPointer& pointer, const MetricDraft& draft) {
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
     [](DecodeContext& c, const json& v, const JsonPointer& p, MetricDraft& d) {
       if (auto metric = get_enum(c, v, p, kMetrics)) {
         d.e.metric = *metric;
         d.metric_known = true;
       }
     }},
    {"at_least", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, MetricDraft& d) {
       assign(d.e.at_least, get_metric_bound(c, v, p, d));
     }},
    {"at_most", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, MetricDraft& d) {
       assign(d.e.at_most, get_metric_bound(c, v, p, d));
     }},
};

constexpr Field<SessionExpectation> kSessionFields[] = {
    {"session", true,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SessionExpectation& e) {
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
     [](DecodeContext& c, const json& v, const JsonPointer& p, SessionExpectation& e) {
       assign(e.state, get_enum(c, v, p, kSessionStates));
     }},
    {"within", false,
     [](DecodeContext& c, const json& v, const JsonPointer& p, SessionExpectation& e) {
       assign(e.within, get_time(c, v, p));
     }},
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
}  // namespace

void decode_expectations(DecodeContext& ctx, const json& value, const JsonPointer& pointer,
                         Scenario& sc) {
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
    const JsonPointer element = pointer_child(pointer, i);
    if (auto body = decode_expectation(ctx, value[i], element)) {
      sc.expectations.push_back(Expectation{std::move(*body), i, ctx.source(element)});
    }
  }
}
}  // namespace connsim::scenarios::decode
