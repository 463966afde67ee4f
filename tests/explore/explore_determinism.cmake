# `COMMAND explore SPACE --runs RUNS` with one worker and with two writes the same files, byte for
# byte: the findings and their shrunk scenarios do not depend on -j. Variables: COMMAND, SPACE,
# RUNS, OUT.
include(${CMAKE_CURRENT_LIST_DIR}/same_findings.cmake)
file(REMOVE_RECURSE ${OUT}/j1 ${OUT}/j2)
foreach(jobs 1 2)
  execute_process(COMMAND ${COMMAND} explore ${SPACE} --runs ${RUNS} --seed 3 -j ${jobs} -o ${OUT}/j${jobs}
                  RESULT_VARIABLE status OUTPUT_QUIET ERROR_QUIET TIMEOUT 300)
  if(NOT status EQUAL 1)
    message(FATAL_ERROR "explore -j ${jobs} should find something (exit ${status})")
  endif()
endforeach()
expect_same_findings(${OUT}/j1 "-j 1" ${OUT}/j2 "-j 2" one)
message("${one}: the same with -j 1 and -j 2")
