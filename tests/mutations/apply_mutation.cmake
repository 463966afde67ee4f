# Writes OUTPUT: a copy of the store source SOURCE with the mutation PATCH (a one-file unified diff)
# applied exactly, that is with every context and removed line as the patch has it (no fuzz; only
# a line offset is tolerated). Anything else is a fatal error, so a mutation that no longer
# applies fails the build instead of quietly testing the unmutated store:
#   a hunk that does not match, a patch that is already applied, a patch that changes nothing.
#   cmake -DPATCH_PROGRAM=/usr/bin/patch -DSOURCE=store/x.cpp -DPATCH=tests/mutations/m.patch
#         -DOUTPUT=build/.../x.cpp -P apply_mutation.cmake
cmake_minimum_required(VERSION 3.25)

foreach(required PATCH_PROGRAM SOURCE PATCH OUTPUT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "apply_mutation.cmake: -D${required}=... is missing")
  endif()
endforeach()

set(candidate "${OUTPUT}.candidate")
file(REMOVE "${OUTPUT}" "${candidate}")
execute_process(COMMAND "${PATCH_PROGRAM}" --batch --forward --fuzz=0 --no-backup-if-mismatch
                        --reject-file=- --output=${candidate} "${SOURCE}" "${PATCH}"
                RESULT_VARIABLE status
                OUTPUT_VARIABLE patch_said
                ERROR_VARIABLE patch_said)

set(problem "")
if(NOT status EQUAL 0)
  set(problem "it no longer applies (patch exit status ${status})")
else()
  file(READ "${SOURCE}" original)
  file(READ "${candidate}" mutated)
  if(original STREQUAL mutated)
    set(problem "applying it changes nothing")
  endif()
endif()

if(problem)
  file(REMOVE "${candidate}")
  message(FATAL_ERROR
    "mutation ${PATCH}: ${problem} to ${SOURCE}.\n"
    "The store source changed where this negative control mutates it. Rewrite the patch against "
    "the current source so that it makes the same defect (docs/NEGATIVE_CONTROLS.md, "
    "'When a mutation no longer applies'); never delete it to make the build pass.\n"
    "--- patch said:\n${patch_said}")
endif()
file(RENAME "${candidate}" "${OUTPUT}")
