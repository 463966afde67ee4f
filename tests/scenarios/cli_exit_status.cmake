# The connsim command's exit statuses, end to end (contract: scenario-format.md): every invalid
# input exits 2 with a located message and runs nothing; a failed expectation exits 1; a pass 0.
# Each case is a CTest test cli.<command>.<case> (label `cli`), run through run_expecting.cmake.
set(CONNSIM_HOSTILE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/hostile)
set(CONNSIM_CLI_DIR ${CMAKE_CURRENT_SOURCE_DIR}/cli)
set(CONNSIM_RUN_EXPECTING ${CMAKE_CURRENT_SOURCE_DIR}/run_expecting.cmake)

# connsim_cli_test(NAME name EXIT code ARGS args... [STDERR regex] [STDOUT regex] [GENERATE kind]
#                  [ENV VAR=value])
function(connsim_cli_test)
  cmake_parse_arguments(T "" "NAME;EXIT;STDERR;STDOUT;GENERATE;ENV" "ARGS" ${ARGN})
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
  if(DEFINED T_ENV)
    set_tests_properties(cli.${T_NAME} PROPERTIES ENVIRONMENT "${T_ENV}")
  endif()
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

# The memory estimate (scenarios/memory_estimate.hpp): a file whose estimated peak memory exceeds
# the limit is refused before anything runs, in one line with the estimate and the limit.
# CONNSIM_MEMORY_LIMIT sets the limit (else MemAvailable), so a small file tests it cheaply.
foreach(verb run crosscheck conform)
  connsim_cli_test(NAME ${verb}.over-memory-estimate EXIT 2 ENV CONNSIM_MEMORY_LIMIT=20M
                   ARGS ${verb} ${CONNSIM_CLI_DIR}/passes.json
                   STDERR "passes.json: estimated peak memory [0-9.]+ MiB exceeds the limit of 20.0 MiB \\(CONNSIM_MEMORY_LIMIT\\): 2 wallets whose stores would hold 2 presence entries[^\n]*\n1 invalid input; nothing was run"
                   STDOUT "^$")
endforeach()
connsim_cli_test(NAME sweep.over-memory-estimate EXIT 2 ENV CONNSIM_MEMORY_LIMIT=40M
                 ARGS sweep ${CONNSIM_CLI_DIR}/passes.json --max-attempts 1,2 --seeds 1 --jobs 2 --no-plots
                      --out ${CMAKE_CURRENT_BINARY_DIR}/sweep-over-memory
                 STDERR "passes.json: estimated peak memory [0-9.]+ MiB \\(2 processes of [0-9.]+ MiB\\) exceeds the limit of 40.0 MiB")
connsim_cli_test(NAME run.under-memory-estimate EXIT 0 ENV CONNSIM_MEMORY_LIMIT=1G
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json)
connsim_cli_test(NAME run.memory-limit-unlimited EXIT 0 ENV CONNSIM_MEMORY_LIMIT=unlimited
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json)
connsim_cli_test(NAME run.memory-limit-malformed EXIT 2 ENV CONNSIM_MEMORY_LIMIT=lots
                 ARGS run ${CONNSIM_CLI_DIR}/passes.json
                 STDERR "CONNSIM_MEMORY_LIMIT: expected a size such as 4G, 512M or a number of bytes, or \"unlimited\", got \"lots\""
                 STDOUT "^$")
