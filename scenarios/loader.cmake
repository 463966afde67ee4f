# connsim_scenarios_loader: the scenario language's typed model and its loader (validation and
# decoding, with file:line:col and JSON pointer in every error). See scenarios/FORMAT.md.
# loader.cpp is the entry (top-level keys, error order); run_cost.cpp the run-cost model, a pass
# over the decoded scenario; memory_estimate.cpp the peak-memory model that the commands check
# before running; scenarios/decode/ holds the shared decoding helpers (text, times, the context,
# key tables, scalars, references, latency/NAT values) and one file per section (network,
# wallets, timeline, expectations).
add_library(connsim_scenarios_loader
  ${CMAKE_CURRENT_LIST_DIR}/json_positions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/document.cpp
  ${CMAKE_CURRENT_LIST_DIR}/loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/run_cost.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_estimate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/times.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/scalars.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/references.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/schema.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/network.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/wallets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/timeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/decode/expectations.cpp
)
target_include_directories(connsim_scenarios_loader PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_scenarios_loader PUBLIC connsim_store connsim_sim_settings nlohmann_json::nlohmann_json)
