# skip_without_js_store(STDERR_VAR), for a test script that has just found that the JavaScript store
# cannot run here (no Node or js/node_modules): under CI=true that is a failure, its message
# followed by the variable STDERR_VAR (what the command said); otherwise the script prints the
# line its test's SKIP_REGULAR_EXPRESSION matches and ends there. A macro, so that its return()
# ends the calling script.
macro(skip_without_js_store stderr_var)
  if("$ENV{CI}" STREQUAL "true")
    message(FATAL_ERROR "the JavaScript store cannot run here (CI=true):\n${${stderr_var}}")
  endif()
  message("skipped: the JavaScript store cannot run here")
  return()
endmacro()
