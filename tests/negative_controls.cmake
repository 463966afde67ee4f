# Negative controls: the connsim command built with one deliberate store defect each, to show that
# the bundled library (with the built-in invariants) notices. A defect is a CONNSIM_DEFECT_<MACRO>
# switch in one store source file, never defined in a normal build.
#
# Cost: connsim_defect_<name> recompiles only that one file with the switch; its object, placed
# before the libraries on the link line, replaces the normal one (a static library member is
# pulled only for symbols still undefined), and every other object comes from the normal build.
#
# The CTest negative-control.<name> (label negative-control) runs the whole bundled library
# with that binary and passes only when it FAILS with exit status 1 (an expectation or an
# invariant broke; exit 2, invalid input, does not count). docs/NEGATIVE_CONTROLS.md lists which
# scenarios catch which defect. One defect the library cannot see (no library wallet adds more
# than 50 events) also runs tests/scenarios/negative_controls/, which the correct build passes
# (negative-control.baseline).
#
# Not built in the sanitize build: they measure the suite's power, not memory safety, and each
# would cost an ASan compile of a store file.
if(CONNSIM_SANITIZE)
  return()
endif()

set(CONNSIM_LIBRARY_DIR ${PROJECT_SOURCE_DIR}/scenarios/library)
set(CONNSIM_EXTRA_CONTROLS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/negative_controls)

# name | macro | store source file | extra inputs (besides the library) | what is wrong
set(CONNSIM_DEFECTS
  "no-connecting-write|NO_CONNECTING_WRITE|p2p_store||connectToPresence does not write 'connecting'"
  "batches-of-4|BATCHES_OF_4|p2p_store||connectToMultiplePeers runs batches of limit + 1 (4)"
  "one-retry-fewer|ONE_RETRY_FEWER|retry_policy||the retry policy allows one attempt fewer"
  "wrong-event-text|WRONG_EVENT_TEXT|p2p_store||'Connected with X... via' instead of 'Connected to'"
  "status-not-mirrored|STATUS_NOT_MIRRORED|p2p_store||a status write is not mirrored onto onlinePeers"
  "feed-keeps-51|FEED_KEEPS_51|p2p_store|${CONNSIM_EXTRA_CONTROLS_DIR}|the activity feed keeps 51 events"
)

# The command's own sources (those of the connsim target), compiled once for every defect binary.
get_target_property(app_sources connsim SOURCES)
get_target_property(app_dir connsim SOURCE_DIR)
get_target_property(app_libraries connsim LINK_LIBRARIES)
set(app_paths "")
foreach(source ${app_sources})
  if(IS_ABSOLUTE ${source})
    list(APPEND app_paths ${source})
  else()
    list(APPEND app_paths ${app_dir}/${source})
  endif()
endforeach()
add_library(connsim_defect_main OBJECT ${app_paths})
target_link_libraries(connsim_defect_main PRIVATE ${app_libraries})

foreach(entry ${CONNSIM_DEFECTS})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 macro)
  list(GET fields 2 unit)
  list(GET fields 3 extra)
  add_library(connsim_store_defect_${name} OBJECT ${PROJECT_SOURCE_DIR}/store/${unit}.cpp)
  target_link_libraries(connsim_store_defect_${name} PRIVATE connsim_store)
  target_compile_definitions(connsim_store_defect_${name} PRIVATE CONNSIM_DEFECT_${macro})
  add_executable(connsim_defect_${name} $<TARGET_OBJECTS:connsim_defect_main>
                                        $<TARGET_OBJECTS:connsim_store_defect_${name}>)
  target_link_libraries(connsim_defect_${name} PRIVATE ${app_libraries})
  add_test(NAME negative-control.${name}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim_defect_${name}>|run|${CONNSIM_LIBRARY_DIR}$<$<BOOL:${extra}>:|${extra}>"
                   -DEXPECT_EXIT=1 "-DEXPECT_STDOUT=FAIL " -DTIMEOUT=600
                   -P ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
  set_tests_properties(negative-control.${name} PROPERTIES LABELS negative-control TIMEOUT 900)
endforeach()

# The extra inputs pass with the correct store.
add_test(NAME negative-control.baseline
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|run|${CONNSIM_EXTRA_CONTROLS_DIR}"
                 -DEXPECT_EXIT=0 -P ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
set_tests_properties(negative-control.baseline PROPERTIES LABELS negative-control TIMEOUT 300)
