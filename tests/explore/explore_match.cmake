# `explore --match` end to end, run by CTest: a field log exported from a library scenario is
# matched back to a world that reproduces it.
#   1. `run SCENARIO --export-log WALLET -o OUT/field.json` writes the wallet's log;
#   2. `explore SPACE --match OUT/field.json --runs RUNS -j 2` finds a world that matches every
#      observation (exit 0, "MATCH 1: N/N observations") and writes it, shrunk;
#   3. `run` passes that file (its expectations pin the matched observations), and
#   4. the file's own log, exported again, has the field log's observations in the same order,
#      each within the 1 s tolerance of the field log's time.
# Variables: COMMAND, SCENARIO, WALLET, SPACE, RUNS, OUT.

# `COMMAND run FILE --export-log WALLET -o LOG`, which must exit 0; otherwise a fatal error, WHAT
# followed by the exit status and the output.
function(export_log file log what)
  execute_process(COMMAND ${COMMAND} run ${file} --export-log ${WALLET} -o ${log}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} (exit ${status}):\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
export_log(${SCENARIO} ${OUT}/field.json "run --export-log failed")
execute_process(COMMAND ${COMMAND} explore ${SPACE} --match ${OUT}/field.json --runs ${RUNS} --seed 1 -j 2 -o ${OUT}/found
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "explore --match found no world matching every observation within ${RUNS} runs (exit ${status}):\n${err}")
endif()
if(NOT out MATCHES "MATCH 1: ([0-9]+)/([0-9]+) observations in order \\(100.0%\\)[^\n]*\n  reproduce: [^ ]+ run ([^\n]+)\n")
  message(FATAL_ERROR "no complete MATCH 1 line with its reproduce command")
endif()
set(file ${CMAKE_MATCH_3})
export_log(${file} ${OUT}/again.json "the matched world should pass connsim run")
file(READ ${file} world)
string(JSON expectations LENGTH "${world}" expect)
if(expectations LESS 3)
  message(FATAL_ERROR "the matched world pins too little (${expectations} expectations):\n${world}")
endif()
file(READ ${OUT}/field.json field)
file(READ ${OUT}/again.json again)
string(JSON n LENGTH "${field}" entries)
string(JSON m LENGTH "${again}" entries)
if(NOT n EQUAL m)
  message(FATAL_ERROR "the field log has ${n} entries, the matched world's ${m}")
endif()
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON a GET "${field}" entries ${i})
  string(JSON b GET "${again}" entries ${i})
  string(JSON ta GET "${a}" t)
  string(JSON tb GET "${b}" t)
  string(JSON a REMOVE "${a}" t)
  string(JSON b REMOVE "${b}" t)
  string(JSON same EQUAL "${a}" "${b}")
  math(EXPR dt "${ta} - ${tb}")
  if(NOT same OR dt GREATER 1000 OR dt LESS -1000)
    message(FATAL_ERROR "entry ${i} differs: field ${ta} ms ${a}, matched world ${tb} ms ${b}")
  endif()
endforeach()
message("${file}: ${n} observations of ${WALLET} reproduced in order")
