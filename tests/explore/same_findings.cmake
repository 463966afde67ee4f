# expect_same_findings(A_DIR A_NAME B_DIR B_NAME NAMES_VAR [B_IGNORE]): the explorations A_NAME and
# B_NAME wrote the same finding files (*.json; in B_DIR those matching the regex B_IGNORE left out),
# at least one, byte for byte; otherwise a fatal error that names them. NAMES_VAR receives the
# files' names.
function(expect_same_findings a_dir a_name b_dir b_name names_var)
  file(GLOB a RELATIVE ${a_dir} ${a_dir}/*.json)
  file(GLOB b RELATIVE ${b_dir} ${b_dir}/*.json)
  if(ARGC GREATER 5)
    list(FILTER b EXCLUDE REGEX "${ARGV5}")
  endif()
  if(NOT a STREQUAL b OR a STREQUAL "")
    message(FATAL_ERROR "different findings: ${a_name} wrote '${a}', ${b_name} wrote '${b}'")
  endif()
  foreach(name ${a})
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${a_dir}/${name} ${b_dir}/${name} RESULT_VARIABLE differ)
    if(differ)
      message(FATAL_ERROR "${name} differs between ${a_name} and ${b_name}")
    endif()
  endforeach()
  set(${names_var} "${a}" PARENT_SCOPE)
endfunction()
