# The connsim command's exit statuses, end to end (contract: scenario-format.md): every invalid
# input exits 2 with a located message and runs nothing; a failed expectation exits 1; a pass 0.
# Each case is a CTest test cli.<command>.<case> (label `cli`), run through run_expecting.cmake.
set(CONNSIM_HOSTILE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/hostile)
set(CONNSIM_CLI_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set(CONNSIM_RUN_EXPECTING ${CMAKE_CURRENT_SOURCE_DIR}/run_expecting.cmake)

# connsim_cli_test(NAME name EXIT code ARGS args... [STDERR regex] [STDOUT regex] [GENERATE kind])
function(connsim_cli_test)
  cmake_parse_arguments(T "" "NAME;EXIT;STDERR;STDOUT;GENERATE" "ARGS" ${ARGN})
  set(defines -DEXPECT_EXIT=${T_EXIT})
  if(DEFINED T_STDERR)
    list(APPEND defines "-DEXPECT_STDERR=${T_STDERR}")
  endif()
  if(DEFINED T_STDOUT)
    list(APPEND defines "-DEXPECT_STDOUT=${T_STDOUT}")
  endif()
  if(DEFINED T_GENERATE)
    list(APPEND defines -DGENERATE=${T_GENERATE}
         -DGENERATED=${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}.json)
  endif()
  string(REPLACE ";" "|" command "$<TARGET_FILE:connsim>;${T_ARGS}")
  add_test(NAME cli.${T_NAME}
           COMMAND ${CMAKE_COMMAND} "-DCOMMAND=${command}" ${defines} -P ${CONNSIM_RUN_EXPECTING})
  set_tests_properties(cli.${T_NAME} PROPERTIES LABELS cli TIMEOUT 120)
endfunction()

# Every hostile file: exit 2 from both commands, "FILE:LINE:COL: " and "nothing was run".
file(GLOB hostile_files CONFIGURE_DEPENDS ${CONNSIM_HOSTILE_DIR}/*)
foreach(path ${hostile_files})
  get_filename_component(stem ${path} NAME_WE)
  get_filename_component(name ${path} NAME)
  foreach(verb check run)
    connsim_cli_test(NAME ${verb}.${stem} EXIT 2 ARGS ${verb} ${path}
                     STDERR "${name}:[0-9]+:[0-9]+: .*1 invalid input; nothing was run")
  endforeach()
endforeach()

# Inputs generated at test time.
foreach(kind deep oversized)
  foreach(verb check run)
    connsim_cli_test(NAME ${verb}.generated-${kind} EXIT 2 GENERATE ${kind}
                     ARGS ${verb} ${CMAKE_CURRENT_BINARY_DIR}/${verb}.generated-${kind}.json
                     STDERR "generated-${kind}.json:1:[0-9]+: .*nothing was run")
  endforeach()
endforeach()

# Specific messages.
connsim_cli_test(NAME check.message-names-file-line-column-pointer EXIT 2
                 ARGS check ${CONNSIM_HOSTILE_DIR}/unknown-wallet.json
                 STDERR "unknown-wallet.json:2:72: /timeline/0/peer: unknown wallet \"bobb\"; known: alice, bob")
connsim_cli_test(NAME check.binary-file EXIT 2 ARGS check ${CONNSIM_HOSTILE_DIR}/nul-byte.json
                 STDERR "nul-byte.json:1:24: invalid JSON: a NUL byte")

# One invalid file among valid ones: nothing runs at all.
connsim_cli_test(NAME run.one-bad-file-runs-nothing EXIT 2
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json ${CONNSIM_HOSTILE_DIR}/duplicate-id.json
                 STDERR "duplicate-id.json:1:[0-9]+: /wallets/1/id: duplicate id"
                 STDOUT "^$")
connsim_cli_test(NAME run.same-name-twice EXIT 2
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json ${CONNSIM_CLI_DIR}/passes.json
                 STDERR "duplicate scenario name \"cli-passes\"")
connsim_cli_test(NAME run.missing-file EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/no-such-file.json
                 STDERR "no-such-file.json:1:1: no such file or directory")
connsim_cli_test(NAME check.directory-without-json EXIT 2 ARGS check ${CONNSIM_CLI_DIR}/..
                 STDERR "no \\*.json file in this directory")
connsim_cli_test(NAME run.no-inputs EXIT 2 ARGS run)
connsim_cli_test(NAME unknown-command EXIT 2 ARGS frobnicate)
connsim_cli_test(NAME run.bad-seed EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --seed -1)

# Valid input: a failed expectation exits 1, a pass 0; check says both are valid.
connsim_cli_test(NAME run.fails-an-expectation EXIT 1 ARGS run ${CONNSIM_CLI_DIR}/fails-an-expectation.json
                 STDOUT "FAIL cli-fails-an-expectation: expect\\[0\\] result hello.*0 passed, 1 failed")
connsim_cli_test(NAME run.passes EXIT 0 ARGS run ${CONNSIM_CLI_DIR}/passes.json
                 STDOUT "PASS cli-passes\n1 passed, 0 failed")
connsim_cli_test(NAME run.pass-and-fail EXIT 1
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json ${CONNSIM_CLI_DIR}/fails-an-expectation.json
                 STDOUT "1 passed, 1 failed")
connsim_cli_test(NAME check.valid-files EXIT 0 ARGS check ${CONNSIM_CLI_DIR}
                 STDOUT "3 valid")

# Seeds: a different --seed changes the fingerprint of a randomised run (log-normal latency,
# loss, a NAT mix, jittered retries); the same seed reproduces it (seed_fingerprint.cmake).
foreach(scenario ${CONNSIM_CLI_DIR}/randomised.json ${PROJECT_SOURCE_DIR}/bench/scenarios/swarm-100.json)
  get_filename_component(stem ${scenario} NAME_WE)
  add_test(NAME determinism.seed-changes-fingerprint.${stem}
           COMMAND ${CMAKE_COMMAND} -DCONNSIM=$<TARGET_FILE:connsim> -DSCENARIO=${scenario}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/seed_fingerprint.cmake)
  set_tests_properties(determinism.seed-changes-fingerprint.${stem} PROPERTIES LABELS determinism TIMEOUT 600)
endforeach()
connsim_cli_test(NAME run.seed-out-of-range EXIT 2
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json --seed 99999999999999999999999
                 STDERR "--seed: expected an integer from 0 to 18446744073709551615")
connsim_cli_test(NAME run.seed-not-a-number EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --seed 1.5)

# The packet backend's options (issue 8): bad values exit 2 and run nothing; packets pass the
# same file; crosscheck exits 0 when the outcomes agree.
connsim_cli_test(NAME run.backend-unknown EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --backend tcp
                 STDERR "--backend: tcp not in")
connsim_cli_test(NAME run.pcap-without-packets EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --pcap pcaps
                 STDERR "--pcap needs the packet backend")
connsim_cli_test(NAME run.pcap-impossible-directory EXIT 2
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json --backend packet --pcap /dev/null/pcaps
                 STDERR "--pcap: cannot create directory /dev/null/pcaps")
connsim_cli_test(NAME run.packet-backend-passes EXIT 0 ARGS run ${CONNSIM_CLI_DIR}/passes.json --backend packet --stats
                 STDOUT "PASS cli-passes\n.*\"backend\":\"packet\",\"packets\":[1-9]")
connsim_cli_test(NAME crosscheck.same EXIT 0 ARGS crosscheck ${CONNSIM_CLI_DIR}/passes.json
                 STDOUT "SAME cli-passes: message PASS, packet PASS.*1 same, 0 different")
connsim_cli_test(NAME crosscheck.seeds-zero EXIT 2 ARGS crosscheck ${CONNSIM_CLI_DIR}/passes.json --seeds 0)
connsim_cli_test(NAME run.pcap-with-message-backend EXIT 2
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json --backend message --pcap pcaps
                 STDERR "--pcap needs the packet backend")

# The runaway guard: a run past its event budget stops early and fails (exit 1) with the reason;
# a budget it stays within changes nothing; bad budgets exit 2.
connsim_cli_test(NAME run.max-events-stops-early EXIT 1
                 ARGS run ${PROJECT_SOURCE_DIR}/scenarios/library/25-population-200.json --max-events 5000
                 STDOUT "FAIL population-200: stopped early at [0-9.]+s of 120.000000s: more than 5000 simulator events")
connsim_cli_test(NAME run.max-events-generous EXIT 0
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json --max-events 100000000 --max-wall-seconds 600
                 STDOUT "PASS cli-passes")
connsim_cli_test(NAME run.max-events-negative EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --max-events -1)
connsim_cli_test(NAME run.max-wall-seconds-zero EXIT 2 ARGS run ${CONNSIM_CLI_DIR}/passes.json --max-wall-seconds 0)
