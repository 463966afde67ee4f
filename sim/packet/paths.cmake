# connsim_sim_packet: the packet backend behind the world's Paths seam.
add_library(connsim_sim_packet packet_paths.cpp)
target_include_directories(connsim_sim_packet PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_sim_packet PUBLIC connsim_sim connsim_sim_packet_net connsim_sim_packet_ice)
