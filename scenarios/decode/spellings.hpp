// The spellings of the format's enums: each table maps the words a file may write to the value.
// A value missing from a table cannot be written; the first spelling of a value is its name.
#pragma once

#include <string_view>

#include "scenarios/decode/scalars.hpp"
#include "scenarios/model.hpp"

namespace connsim::scenarios::decode {

inline constexpr Name<RelayImplementation> kImplementations[] = {{"go", RelayImplementation::go},
                                                                 {"js", RelayImplementation::js}};
inline constexpr Name<NatBehaviour> kNatBehaviours[] = {
    {"endpoint-independent", NatBehaviour::endpoint_independent},
    {"address-dependent", NatBehaviour::address_dependent},
    {"address-and-port-dependent", NatBehaviour::address_and_port_dependent}};
inline constexpr Name<store::RetryKind> kRetryKinds[] = {
    {"exponential", store::RetryKind::exponential},
    {"fixed", store::RetryKind::fixed},
    {"exponential-jitter", store::RetryKind::exponential_jitter},
    {"deadline-bounded", store::RetryKind::deadline_bounded}};
inline constexpr Name<sim::StoreImplementation> kStoreImplementations[] = {
    {"cpp", sim::StoreImplementation::cpp}, {"js", sim::StoreImplementation::js}};
inline constexpr Name<store::ConcurrencyMode> kConcurrencyModes[] = {
    {"batch", store::ConcurrencyMode::batch}, {"window", store::ConcurrencyMode::window}};
inline constexpr Name<store::PresenceUpdate> kPresenceUpdates[] = {
    {"replace", store::PresenceUpdate::replace},
    {"merge-reset", store::PresenceUpdate::merge_reset},
    {"merge-keep", store::PresenceUpdate::merge_keep}};
inline constexpr Name<store::DirectStepFilter> kDirectFilters[] = {
    {"shipped", store::DirectStepFilter::shipped_inverted},
    {"fixed", store::DirectStepFilter::fixed}};
inline constexpr Name<store::PeerExchangeReader> kPeerExchangeReaders[] = {
    {"shipped", store::PeerExchangeReader::shipped_mismatched},
    {"fixed", store::PeerExchangeReader::fixed}};
inline constexpr Name<ActionKind> kActions[] = {{"connect", ActionKind::connect},
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
inline constexpr Name<store::ConnectionStatus> kStatuses[] = {
    {"disconnected", store::ConnectionStatus::disconnected},
    {"connecting", store::ConnectionStatus::connecting},
    {"connected", store::ConnectionStatus::connected},
    {"failed", store::ConnectionStatus::failed}};
inline constexpr Name<store::ConnectionType> kConnectionTypes[] = {
    {"webrtc", store::ConnectionType::webrtc},
    {"relay", store::ConnectionType::relay},
    {"direct", store::ConnectionType::direct},
    {"none", store::ConnectionType::none}};
inline constexpr Name<std::string_view> kEventTypes[] = {
    {"info", "info"}, {"peer_joined", "peer_joined"}, {"error", "error"}};
inline constexpr Name<EventsMode> kEventsModes[] = {{"subsequence", EventsMode::subsequence},
                                                    {"exact", EventsMode::exact}};
inline constexpr Name<Getter> kGetters[] = {
    {"connected_online_peer_count", Getter::connected_online_peer_count},
    {"is_peer_connected", Getter::is_peer_connected},
    {"peer_status", Getter::peer_status}};
inline constexpr Name<Metric> kMetrics[] = {
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
inline constexpr Name<store::SessionState> kSessionStates[] = {
    {"completed", store::SessionState::completed}, {"failed", store::SessionState::failed}};

inline constexpr Name<NatConfig> kNamedNats[] = {
    {"none", NatConfig::none()},
    {"full-cone", NatConfig::full_cone()},
    {"restricted-cone", NatConfig::restricted_cone()},
    {"port-restricted-cone", NatConfig::port_restricted_cone()},
    {"symmetric", NatConfig::symmetric()}};

inline constexpr Name<Backend> kBackends[] = {{"message", Backend::message},
                                              {"packet", Backend::packet},
                                              {"live", Backend::live}};

}  // namespace connsim::scenarios::decode
