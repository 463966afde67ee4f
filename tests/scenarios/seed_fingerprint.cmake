# A different seed changes a randomised run; the same seed does not.
#   cmake -DCONNSIM=path/to/connsim -DSCENARIO=file.json -P seed_fingerprint.cmake
# Runs the scenario with --seed 1, 2, 3 and 1 again (--stats) and compares the fingerprints of
# the run's history: 1, 2 and 3 must differ pairwise, and the two runs of seed 1 must agree.
cmake_minimum_required(VERSION 3.25)

function(fingerprint seed out)
  execute_process(COMMAND ${CONNSIM} run ${SCENARIO} --seed ${seed} --stats
                  RESULT_VARIABLE status OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr TIMEOUT 300)
  if(NOT status MATCHES "^[01]$")
    message(FATAL_ERROR "connsim run --seed ${seed} exited '${status}':\n${stdout}\n${stderr}")
  endif()
  if(NOT stdout MATCHES "\"fingerprint\":\"([0-9a-f]+)\"")
    message(FATAL_ERROR "no fingerprint in the --stats line of seed ${seed}:\n${stdout}")
  endif()
  set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

fingerprint(1 one)
fingerprint(2 two)
fingerprint(3 three)
fingerprint(1 one_again)
message(STATUS "fingerprints: seed 1 ${one}, seed 2 ${two}, seed 3 ${three}, seed 1 again ${one_again}")
if(NOT one STREQUAL one_again)
  message(FATAL_ERROR "seed 1 ran twice with different fingerprints: ${one} and ${one_again}")
endif()
if(one STREQUAL two OR one STREQUAL three OR two STREQUAL three)
  message(FATAL_ERROR "different seeds, same fingerprint (the seed does not reach the run's random "
                      "choices): 1 ${one}, 2 ${two}, 3 ${three}")
endif()
