# `COMMAND explore SPACE --runs RUNS` with one worker and with two writes the same files, byte for
# byte: the findings and their shrunk scenarios do not depend on -j. Variables: COMMAND, SPACE,
# RUNS, OUT.
file(REMOVE_RECURSE ${OUT}/j1 ${OUT}/j2)
foreach(jobs 1 2)
  execute_process(COMMAND ${COMMAND} explore ${SPACE} --runs ${RUNS} --seed 3 -j ${jobs} -o ${OUT}/j${jobs}
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET TIMEOUT 300)
  if(NOT status EQUAL 1)
    message(FATAL_ERROR "explore -j ${jobs} should find something (exit ${status})")
  endif()
endforeach()
file(GLOB one RELATIVE ${OUT}/j1 ${OUT}/j1/*.json)
file(GLOB two RELATIVE ${OUT}/j2 ${OUT}/j2/*.json)
if(NOT one STREQUAL two OR one STREQUAL "")
  message(FATAL_ERROR "different findings: -j 1 wrote '${one}', -j 2 wrote '${two}'")
endif()
foreach(name ${one})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/j1/${name} ${OUT}/j2/${name} RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${name} differs between -j 1 and -j 2")
  endif()
endforeach()
message("${one}: the same with -j 1 and -j 2")
