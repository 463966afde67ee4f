# Every bundled scenario is a CTest test of its own, run twice with --determinism: it passes
# when every expectation holds and both runs record the same history.
file(GLOB CONNSIM_LIBRARY_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/library/*.json)
foreach(scenario_file ${CONNSIM_LIBRARY_SCENARIOS})
  get_filename_component(stem ${scenario_file} NAME_WE)
  add_test(NAME scenario.${stem} COMMAND connsim run ${scenario_file} --determinism)
  set_tests_properties(scenario.${stem} PROPERTIES LABELS scenario TIMEOUT 300)
endforeach()
