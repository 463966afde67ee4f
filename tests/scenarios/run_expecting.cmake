# Runs one command and checks its exit status and output: the CLI's contract, end to end.
#   cmake -DCOMMAND="exe|arg|..." -DEXPECT_EXIT=2 [-DEXPECT_STDERR=regex] [-DEXPECT_STDOUT=regex]
#         [-DGENERATE=deep|oversized|garbage-directory -DGENERATED=path] [-DTIMEOUT=seconds]
#         -P run_expecting.cmake
# GENERATE writes an input too large or too odd to keep in the repository before running:
#   deep      300,000 nested arrays inside a scenario
#   oversized a scenario of 64 MiB + 1 KiB (its description is long)
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 60)
endif()

if(GENERATE STREQUAL "deep")
  string(REPEAT "[" 300000 open)
  file(WRITE "${GENERATED}" "{\"format\": \"connsim/1\", \"name\": \"deep\", \"description\": ${open}")
elseif(GENERATE STREQUAL "oversized")
  string(REPEAT "x" 1024 kib)
  string(REPEAT "${kib}" 1024 mib)
  file(WRITE "${GENERATED}" "{\"format\": \"connsim/1\", \"name\": \"big\", \"description\": \"")
  foreach(i RANGE 1 64)
    file(APPEND "${GENERATED}" "${mib}")
  endforeach()
  file(APPEND "${GENERATED}" "${kib}\"}")
elseif(DEFINED GENERATE)
  message(FATAL_ERROR "unknown GENERATE=${GENERATE}")
endif()

string(REPLACE "|" ";" COMMAND "${COMMAND}")
execute_process(COMMAND ${COMMAND}
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                TIMEOUT ${TIMEOUT})

set(problems "")
if(NOT status STREQUAL "${EXPECT_EXIT}")
  string(APPEND problems "exit status: expected ${EXPECT_EXIT}, got '${status}'\n")
endif()
if(DEFINED EXPECT_STDERR AND NOT err MATCHES "${EXPECT_STDERR}")
  string(APPEND problems "stderr does not match: ${EXPECT_STDERR}\n")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  string(APPEND problems "stdout does not match: ${EXPECT_STDOUT}\n")
endif()
if(DEFINED GENERATED)
  file(REMOVE "${GENERATED}")
endif()
if(problems)
  string(SUBSTRING "${out}" 0 2000 out_head)
  string(SUBSTRING "${err}" 0 2000 err_head)
  message(FATAL_ERROR "${COMMAND}\n${problems}--- stdout:\n${out_head}\n--- stderr:\n${err_head}")
endif()
