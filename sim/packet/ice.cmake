# connsim_sim_packet_ice: STUN (RFC 5389 binding requests/responses) and ICE over real UDP
# packets on ns-3 nodes, by the rules of the message-level model (sim/ice.hpp).
# Included from sim/packet/CMakeLists.txt, after net.cmake.
add_library(connsim_sim_packet_ice
  ${CMAKE_CURRENT_LIST_DIR}/stun.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ice_agent.cpp
)
target_include_directories(connsim_sim_packet_ice PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_sim_packet_ice PUBLIC
  connsim_sim_packet_net connsim_sim_nat ns3::libcore ns3::libnetwork ns3::libinternet)
