# connsim_scenarios: the runner, checkers and reporters on top of the loader. Links sim one way.
add_library(connsim_scenarios
  ${CMAKE_CURRENT_LIST_DIR}/world_builder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/runner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/invariants.cpp
  ${CMAKE_CURRENT_LIST_DIR}/checks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reporters.cpp
  ${CMAKE_CURRENT_LIST_DIR}/crosscheck.cpp
)
target_include_directories(connsim_scenarios PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_scenarios PUBLIC connsim_scenarios_loader connsim_sim connsim_sim_packet)
