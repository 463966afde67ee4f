# connsim_scenarios: the runner, checkers and reporters on top of the loader. Links sim one way.
# Included from scenarios/CMakeLists.txt: the sources are relative to scenarios/.
add_library(connsim_scenarios
  world_builder.cpp
  runner.cpp
  invariants.cpp
  invariants_store.cpp
  checks.cpp
  reporters.cpp
  crosscheck.cpp
  conformance.cpp
  report_html.cpp
  report_html_model.cpp
  ${CMAKE_CURRENT_BINARY_DIR}/html_assets.cpp
)
target_include_directories(connsim_scenarios PUBLIC ${PROJECT_SOURCE_DIR})

# The HTML reports' page sources, compiled in as bytes (scenarios/html/assets.hpp).
set(html_dir ${CMAKE_CURRENT_LIST_DIR}/html)
set(html_assets
  kReportPage=${html_dir}/report.html kReportStyle=${html_dir}/report.css kReportScript=${html_dir}/report.js
  kSweepPage=${html_dir}/sweep.html kSweepScript=${html_dir}/sweep.js kPageHead=${html_dir}/head.html)
set(html_files)
foreach(asset IN LISTS html_assets)
  string(REGEX REPLACE "^[^=]*=" "" file "${asset}")
  list(APPEND html_files ${file})
endforeach()
string(REPLACE ";" "|" html_assets_arg "${html_assets}")
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/html_assets.cpp
  COMMAND ${CMAKE_COMMAND} -DASSETS=${html_assets_arg} -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/html_assets.cpp
          -P ${html_dir}/embed.cmake
  DEPENDS ${html_files} ${html_dir}/embed.cmake
  COMMENT "Embedding the HTML reports' page sources"
  VERBATIM)
target_link_libraries(connsim_scenarios PUBLIC connsim_scenarios_loader connsim_sim connsim_sim_packet connsim_sim_js)
