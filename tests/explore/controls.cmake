# `connsim explore` on the bundled space (scenarios/spaces/default.json), label explore:
#   explore.default            a fixed budget on the correct store finds nothing;
#   explore.control.<mutation> each negative control (tests/mutations/, the mutants of
#                              tests/mutations.cmake) is found within the stated runs and shrunk
#                              to at most 6 wallets and steps, which the mutant fails and the
#                              correct store passes (tests/explore/explore_control.cmake);
#   explore.determinism        the same findings and files with -j 1 and -j 2;
#   explore.oracle_js          (label js too) --oracle js: each finding's file makes
#                              `connsim conform` fail (tests/explore/explore_oracle.cmake).
# The budgets (runs, seed 1) are stated here; docs/NEGATIVE_CONTROLS.md records how many runs
# each control needed.
set(space ${PROJECT_SOURCE_DIR}/scenarios/spaces/default.json)
set(control_script ${CMAKE_CURRENT_LIST_DIR}/explore_control.cmake)
add_test(NAME explore.default
         COMMAND ${CMAKE_COMMAND} -DCOMMAND=$<TARGET_FILE:connsim> -DSPACE=${space} -DRUNS=2000 -DJOBS=2
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/explore-default -P ${control_script})
set_tests_properties(explore.default PROPERTIES LABELS explore TIMEOUT 300)

# mutation | the property explore must report | runs
set(CONNSIM_EXPLORE_CONTROLS
  "no-connecting-write|invariant status-machine|200"
  "batches-of-4|invariant connect-concurrency|300"
  "one-retry-fewer|invariant retry-exhaustion|200"
  "wrong-event-text|invariant activity-event-text|200"
  "status-not-mirrored|invariant online-peers-mirror|200"
  "feed-keeps-51|invariant activity-feed-limit|300"
)
foreach(entry ${CONNSIM_EXPLORE_CONTROLS})
  string(REPLACE "|" ";" fields "${entry}")
  list(GET fields 0 name)
  list(GET fields 1 property)
  list(GET fields 2 runs)
  if(NOT TARGET connsim_mutant_${name})
    continue()  # the sanitize build has no mutants
  endif()
  add_test(NAME explore.control.${name}
           COMMAND ${CMAKE_COMMAND} -DCOMMAND=$<TARGET_FILE:connsim_mutant_${name}> -DCONNSIM=$<TARGET_FILE:connsim>
                   -DSPACE=${space} -DRUNS=${runs} -DJOBS=2 "-DEXPECT_FOUND=${property}" -DMAX_PARTS=6
                   -DOUT=${CMAKE_CURRENT_BINARY_DIR}/explore-${name} -P ${control_script})
  set_tests_properties(explore.control.${name} PROPERTIES LABELS explore TIMEOUT 300)
endforeach()

# On a mutant that explore finds something in (tests/explore/explore_<name>.cmake):
#   explore.determinism  the same findings and files with -j 1 and -j 2;
#   explore.shards       explore --shard I/N and connsim merge: three shards, merged, write the
#                        unsharded findings byte for byte; a missing shard is refused.
if(TARGET connsim_mutant_no-connecting-write)
  foreach(name determinism shards)
    add_test(NAME explore.${name}
             COMMAND ${CMAKE_COMMAND} -DCOMMAND=$<TARGET_FILE:connsim_mutant_no-connecting-write> -DSPACE=${space}
                     -DRUNS=60 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/explore-${name}
                     -P ${CMAKE_CURRENT_LIST_DIR}/explore_${name}.cmake)
    set_tests_properties(explore.${name} PROPERTIES LABELS explore TIMEOUT 300)
  endforeach()
endif()

add_test(NAME explore.oracle_js
         COMMAND ${CMAKE_COMMAND} -DCOMMAND=$<TARGET_FILE:connsim> -DSPACE=${space} -DRUNS=4
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/explore-oracle -P ${CMAKE_CURRENT_LIST_DIR}/explore_oracle.cmake)
set_tests_properties(explore.oracle_js PROPERTIES LABELS "explore;js" TIMEOUT 600 SKIP_REGULAR_EXPRESSION "skipped: the JavaScript store cannot run here")

# A bad space file: every error with file, line, column and pointer, exit 2, nothing run.
add_test(NAME explore.invalid_space
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|explore|${CMAKE_CURRENT_LIST_DIR}/spaces/bad-ranges.json"
                 -DEXPECT_EXIT=2
                 "-DEXPECT_STDERR=bad-ranges.json:2:31: /wallets/max: max must not be less than min\n.*bad-ranges.json:3:53: /store/retry/max_attempts/one_of/1: must be at least 1, got 0\n2 invalid inputs; nothing was run"
                 -P ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
set_tests_properties(explore.invalid_space PROPERTIES LABELS explore)

# Field logs (explore --match): a log exported from library scenario 64 (field bug 14) is matched
# back to a world that reproduces it, within a fixed budget on the space shaped for relay
# restarts (tests/explore/explore_match.cmake); and bad inputs are refused (exit 2).
add_test(NAME explore.match_log
         COMMAND ${CMAKE_COMMAND} -DCOMMAND=$<TARGET_FILE:connsim>
                 -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/library/64-bug-relay-no-rereservation.json -DWALLET=bob
                 -DSPACE=${PROJECT_SOURCE_DIR}/scenarios/spaces/relay-restart.json -DRUNS=300
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/explore-match -P ${CMAKE_CURRENT_LIST_DIR}/explore_match.cmake)
set_tests_properties(explore.match_log PROPERTIES LABELS explore TIMEOUT 300)
set(match_space ${PROJECT_SOURCE_DIR}/scenarios/spaces/relay-restart.json)
set(run_expecting ${PROJECT_SOURCE_DIR}/tests/scenarios/run_expecting.cmake)
add_test(NAME explore.match_invalid_log
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|explore|${match_space}|--match|${CMAKE_CURRENT_LIST_DIR}/logs/bad-entries.json"
                 -DEXPECT_EXIT=2
                 "-DEXPECT_STDERR=bad-entries.json:3:61: /entries/0/status: expected \"disconnected\", \"connecting\", \"connected\", or \"failed\", got \"connectin\"\n1 invalid input; nothing was run"
                 -P ${run_expecting})
add_test(NAME explore.match_too_few_wallets
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|explore|${match_space}|--match|${CMAKE_CURRENT_LIST_DIR}/logs/four-wallets.json"
                 -DEXPECT_EXIT=2
                 "-DEXPECT_STDERR=--match: the space draws as few as 3 wallets, but the log needs 4"
                 -P ${run_expecting})
add_test(NAME explore.match_bad_tolerance
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|explore|${match_space}|--match|${CMAKE_CURRENT_LIST_DIR}/logs/four-wallets.json|--tolerance|soon"
                 -DEXPECT_EXIT=2 "-DEXPECT_STDERR=--tolerance: expected a time such as 500ms or 2s, got \"soon\""
                 -P ${run_expecting})
add_test(NAME explore.export_log_unknown_wallet
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|run|${PROJECT_SOURCE_DIR}/scenarios/library/64-bug-relay-no-rereservation.json|--export-log|dave|-o|${CMAKE_CURRENT_BINARY_DIR}/dave.json"
                 -DEXPECT_EXIT=2 "-DEXPECT_STDERR=--export-log: unknown wallet \"dave\"; known: alice, bob, carol"
                 -P ${run_expecting})
add_test(NAME explore.export_log_two_scenarios
         COMMAND ${CMAKE_COMMAND} "-DCOMMAND=$<TARGET_FILE:connsim>|run|${PROJECT_SOURCE_DIR}/scenarios/library/64-bug-relay-no-rereservation.json|${PROJECT_SOURCE_DIR}/scenarios/library/44-bug-stale-connected-status.json|--export-log|bob|-o|${CMAKE_CURRENT_BINARY_DIR}/bob.json"
                 -DEXPECT_EXIT=2 "-DEXPECT_STDERR=--export-log needs exactly one scenario \\(got 2\\)"
                 -P ${run_expecting})
set_tests_properties(explore.match_invalid_log explore.match_too_few_wallets explore.match_bad_tolerance
                     explore.export_log_unknown_wallet explore.export_log_two_scenarios PROPERTIES LABELS explore)
