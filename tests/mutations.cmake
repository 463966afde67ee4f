# Negative controls as source mutations: the connsim command built with one deliberate store
# defect each, to show that the bundled library (with the built-in invariants) notices. A defect
# is a patch, tests/mutations/<name>.patch (a one-file unified diff of one store/*.cpp), applied
# at build time to a copy of that file in the build tree (tests/mutations/apply_mutation.cmake).
# The store sources themselves carry no trace of it. A patch that no longer applies exactly, or
# that changes nothing, fails the build with the patch's name; it never builds an unmutated
# "mutant" that would pass.
#
# Cost: connsim_mutant_<name> compiles only the one mutated copy; its object, placed before the
# libraries on the link line, replaces the normal one (a static library member is pulled only for
# symbols still undefined), and every other object comes from the normal build. The command's own
# sources are compiled once for all mutants (connsim_mutant_main).
#
# The CTest mutation.<name> (label mutation) runs the whole bundled library with that binary and
# passes only when it FAILS with exit status 1 (an expectation or an invariant broke; exit 2,
# invalid input, does not count). docs/NEGATIVE_CONTROLS.md lists which scenarios catch which
# defect. One defect the library alone once could not see (no library wallet added more than 50
# events) also runs tests/scenarios/negative_controls/, which the correct build passes
# (mutation.baseline).
#
# Not built in the sanitize build: they measure the suite's power, not memory safety, and each
# would cost an ASan compile of a store file and an ASan link of the command.
if(CONNSIM_SANITIZE)
  return()
endif()

find_program(CONNSIM_PATCH_PROGRAM patch REQUIRED DOC "GNU patch, applies tests/mutations/*.patch")

set(CONNSIM_LIBRARY_DIR ${PROJECT_SOURCE_DIR}/scenarios/library)
set(CONNSIM_EXTRA_CONTROLS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/negative_controls)
set(CONNSIM_MUTATIONS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/mutations)

# name (tests/mutations/<name>.patch, which says what is wrong) | extra inputs besides the library
set(CONNSIM_MUTATIONS
  "no-connecting-write|"
  "batches-of-4|"
  "one-retry-fewer|"
  "wrong-event-text|"
  "status-not-mirrored|"
  "feed-keeps-51|${CONNSIM_EXTRA_CONTROLS_DIR}"
)

# Every patch in tests/mutations/ is listed above: one left out would never run.
file(GLOB patch_files RELATIVE ${CONNSIM_MUTATIONS_DIR} CONFIGURE_DEPENDS ${CONNSIM_MUTATIONS_DIR}/*.patch)
set(listed_patches "")
foreach(entry ${CONNSIM_MUTATIONS})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(APPEND listed_patches ${name}.patch)
endforeach()
foreach(patch_file ${patch_files})
  if(NOT patch_file IN_LIST listed_patches)
    message(FATAL_ERROR "tests/mutations/${patch_file} is not listed in CONNSIM_MUTATIONS (tests/mutations.cmake)")
  endif()
endforeach()

# The command's own sources (those of the connsim target), compiled once for every mutant.
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
add_library(connsim_mutant_main OBJECT ${app_paths})
target_link_libraries(connsim_mutant_main PRIVATE ${app_libraries})

get_target_property(store_sources connsim_store SOURCES)

foreach(entry ${CONNSIM_MUTATIONS})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 extra)
  set(patch_file ${CONNSIM_MUTATIONS_DIR}/${name}.patch)

  # The patch names the one store source it mutates; the link-order replacement needs it to be
  # a source of connsim_store.
  file(STRINGS ${patch_file} targets REGEX "^\\+\\+\\+ ")
  list(LENGTH targets target_count)
  if(NOT target_count EQUAL 1 OR NOT targets MATCHES "^\\+\\+\\+ b/store/([a-z0-9_]+\\.cpp)")
    message(FATAL_ERROR "tests/mutations/${name}.patch must change exactly one file, "
                        "named '+++ b/store/<file>.cpp'")
  endif()
  set(unit ${CMAKE_MATCH_1})
  if(NOT unit IN_LIST store_sources)
    message(FATAL_ERROR "tests/mutations/${name}.patch: store/${unit} is not a source of connsim_store")
  endif()

  set(mutant_source ${CMAKE_CURRENT_BINARY_DIR}/mutants/${name}/${unit})
  add_custom_command(
    OUTPUT ${mutant_source}
    COMMAND ${CMAKE_COMMAND} -DPATCH_PROGRAM=${CONNSIM_PATCH_PROGRAM}
            -DSOURCE=${PROJECT_SOURCE_DIR}/store/${unit} -DPATCH=${patch_file}
            -DOUTPUT=${mutant_source} -P ${CONNSIM_MUTATIONS_DIR}/apply_mutation.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/store/${unit} ${patch_file} ${CONNSIM_MUTATIONS_DIR}/apply_mutation.cmake
    COMMENT "Mutation ${name}: patching a copy of store/${unit}"
    VERBATIM)
  add_library(connsim_store_mutant_${name} OBJECT ${mutant_source})
  target_link_libraries(connsim_store_mutant_${name} PRIVATE connsim_store)
  add_executable(connsim_mutant_${name} $<TARGET_OBJECTS:connsim_mutant_main>
                                        $<TARGET_OBJECTS:connsim_store_mutant_${name}>)
  target_link_libraries(connsim_mutant_${name} PRIVATE ${app_libraries})
  add_test(NAME mutation.${name}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim_mutant_${name}>|run|${CONNSIM_LIBRARY_DIR}$<$<BOOL:${extra}>:|${extra}>"
                   -DEXPECT_EXIT=1 "-DEXPECT_STDOUT=FAIL " -DTIMEOUT=600
                   -P ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
  set_tests_properties(mutation.${name} PROPERTIES LABELS mutation TIMEOUT 900)
endforeach()

# The extra inputs pass with the correct store.
add_test(NAME mutation.baseline
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|run|${CONNSIM_EXTRA_CONTROLS_DIR}"
                 -DEXPECT_EXIT=0 -P ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
set_tests_properties(mutation.baseline PROPERTIES LABELS mutation TIMEOUT 300)
