# connsim_scenarios_loader: the scenario language's typed model and its loader (validation and
# decoding, with file:line:col and JSON pointer in every error). See scenarios/FORMAT.md.
add_library(connsim_scenarios_loader
  ${CMAKE_CURRENT_LIST_DIR}/json_positions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/loader.cpp
)
target_include_directories(connsim_scenarios_loader PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_scenarios_loader PUBLIC connsim_store nlohmann_json::nlohmann_json)
