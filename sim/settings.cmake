# connsim_sim_settings: the world's settings (sim/config.hpp: types, defaults, relay presets) and
# the latency model they hold. Pure C++, no ns-3, so the scenario loader (which decodes into these
# types) and its fuzzer link it without the simulator. Included from sim/CMakeLists.txt.
add_library(connsim_sim_settings
  ${CMAKE_CURRENT_LIST_DIR}/config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/latency.cpp
)
target_include_directories(connsim_sim_settings PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_sim_settings PUBLIC connsim_store connsim_sim_nat)
