# `connsim explore SPACE --oracle js --runs RUNS --shrink-budget 20 -o OUT`: every finding it writes
# is reproduced by `connsim conform FILE` (exit 1: the two stores differ there). Without Node or
# js/node_modules explore exits 2 saying so: skipped (77) unless CI=true. Variables: COMMAND,
# SPACE, RUNS, OUT.
include(${CMAKE_CURRENT_LIST_DIR}/../support/skip_without_js_store.cmake)
file(REMOVE_RECURSE ${OUT})
execute_process(COMMAND ${COMMAND} explore ${SPACE} --oracle js --runs ${RUNS} --seed 1 -j 2 --shrink-budget 20 -o ${OUT}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 500)
message("${out}${err}")
if(status EQUAL 2 AND err MATCHES "--oracle js:")
  skip_without_js_store(err)
endif()
if(NOT status EQUAL 0 AND NOT status EQUAL 1)
  message(FATAL_ERROR "explore --oracle js exited ${status}")
endif()
string(REGEX MATCHALL "reproduce: [^ ]+ conform [^\n]+" lines "${out}")
foreach(line ${lines})
  string(REGEX REPLACE "^reproduce: [^ ]+ conform " "" file "${line}")
  execute_process(COMMAND ${COMMAND} conform ${file} RESULT_VARIABLE conform_status OUTPUT_VARIABLE conform_out ERROR_QUIET)
  if(NOT conform_status EQUAL 1)
    message(FATAL_ERROR "connsim conform ${file} should find the stores differ (exit ${conform_status}):\n${conform_out}")
  endif()
  message("reproduced: ${conform_out}")
endforeach()
