# connsim_sim_packet_net: the packet backend's network layer: NAT routing (sim::NatBox tables
# on an ns-3 NAT node), the core's filter, the topology builder and pcap.
# Included from sim/packet/CMakeLists.txt.
add_library(connsim_sim_packet_net
  ${CMAKE_CURRENT_LIST_DIR}/nat_routing.cpp
  ${CMAKE_CURRENT_LIST_DIR}/topology.cpp
)
target_include_directories(connsim_sim_packet_net PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_sim_packet_net PUBLIC
  connsim_sim_nat ns3::libcore ns3::libnetwork ns3::libinternet ns3::libpoint-to-point)
