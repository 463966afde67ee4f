# The field log of a wallet is the same whichever store runs it: for each SCENARIO:WALLET pair,
# `run SCENARIO --export-log WALLET` with --store cpp (the log made from the typed history) and
# with --store js (the log the wallet's own exporter, js/store/export/field_log.ts, wrote inside
# the JavaScript store, checked by the strict decoder) write the same bytes. Without Node or
# js/node_modules the js run exits 2 saying to install them: skipped unless CI=true.
# Variables: COMMAND, LIBRARY, PAIRS (SCENARIO:WALLET,...), OUT.
include(${CMAKE_CURRENT_LIST_DIR}/../support/skip_without_js_store.cmake)
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
string(REPLACE "," ";" PAIRS "${PAIRS}")
foreach(pair ${PAIRS})
  string(REPLACE ":" ";" fields "${pair}")
  list(GET fields 0 scenario)
  list(GET fields 1 wallet)
  foreach(store cpp js)
    execute_process(COMMAND ${COMMAND} run ${LIBRARY}/${scenario}.json --store ${store} --export-log ${wallet}
                            -o ${OUT}/${scenario}-${wallet}-${store}.json
                    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(store STREQUAL "js" AND status EQUAL 2 AND err MATCHES "install-deps")
      skip_without_js_store(err)
    endif()
    if(NOT status EQUAL 0)
      message(FATAL_ERROR "${scenario} --store ${store} --export-log ${wallet}: exit ${status}\n${out}\n${err}")
    endif()
  endforeach()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${scenario}-${wallet}-cpp.json
                          ${OUT}/${scenario}-${wallet}-js.json RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${scenario}: ${wallet}'s log differs between the stores (${OUT}/${scenario}-${wallet}-{cpp,js}.json)")
  endif()
  file(READ ${OUT}/${scenario}-${wallet}-js.json log)
  string(JSON entries LENGTH "${log}" entries)
  if(entries EQUAL 0)
    message(FATAL_ERROR "${scenario}: ${wallet}'s log is empty, which proves nothing")
  endif()
  message("${scenario} ${wallet}: ${entries} entries, the same on both stores")
endforeach()
