# connsim_scenarios_loader: the scenario language's typed model and its loader (validation and
# decoding, with file:line:col and JSON pointer in every error). See scenarios/FORMAT.md.
# loader.cpp is the entry (top-level keys, error order); run_cost.cpp the run-cost model, a pass
# over the decoded scenario; memory_estimate.cpp the peak-memory model that the commands check
# before running; scenarios/decode/ holds the shared decoding helpers (text, times, the context,
# key tables, scalars, references, latency/NAT values) and one file per section (network,
# wallets, timeline, expectations). Included from scenarios/CMakeLists.txt: the sources are
# relative to scenarios/.
add_library(connsim_scenarios_loader
  json_positions.cpp
  document.cpp
  loader.cpp
  run_cost.cpp
  memory_estimate.cpp
  decode/text.cpp
  decode/times.cpp
  decode/scalars.cpp
  decode/references.cpp
  decode/values.cpp
  decode/schema.cpp
  decode/network.cpp
  decode/wallets.cpp
  decode/timeline.cpp
  decode/expectations.cpp
)
target_include_directories(connsim_scenarios_loader PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(connsim_scenarios_loader PUBLIC connsim_store connsim_sim_settings nlohmann_json::nlohmann_json)
