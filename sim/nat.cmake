# connsim_sim_nat: the NAT (RFC 4787) and ICE hole-punching model. Pure C++, no ns-3; a
# separate target so the rest of connsim_sim can link it. Included from sim/CMakeLists.txt.
add_library(connsim_sim_nat
  ${CMAKE_CURRENT_LIST_DIR}/nat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ice.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ice_candidates.cpp
)
target_include_directories(connsim_sim_nat PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_sim_nat PUBLIC connsim_store)
