# The allocator linked into the connsim executable and connsim_bench (CONNSIM_ALLOCATOR):
#   auto      jemalloc when Debian's libjemalloc-dev is installed, else the C library's malloc
#   mimalloc  mimalloc, or a configure error without it
#   jemalloc  jemalloc (libjemalloc-dev), or a configure error without it
#   system    the C library's malloc
# jemalloc is the default because it won side by side (bench/RESULTS.md §8: 12-20 % less CPU
# than glibc's malloc on swarm-1000 and churn-1000 with the flat presence index, where mimalloc
# gained nothing; 5-8 % more peak RSS). Fingerprints do not depend on the allocator.
# Under the sanitizers the allocator is always the system's (ASan replaces malloc itself).
set(CONNSIM_ALLOCATOR "auto" CACHE STRING "Allocator of connsim and connsim_bench: auto, mimalloc, jemalloc or system")
set_property(CACHE CONNSIM_ALLOCATOR PROPERTY STRINGS auto mimalloc jemalloc system)

set(CONNSIM_ALLOCATOR_LIBRARY "")
if(NOT CONNSIM_SANITIZE AND NOT CONNSIM_ALLOCATOR STREQUAL "system")
  if(CONNSIM_ALLOCATOR STREQUAL "auto" OR CONNSIM_ALLOCATOR STREQUAL "jemalloc")
    find_library(CONNSIM_JEMALLOC_LIBRARY NAMES jemalloc)
    set(CONNSIM_ALLOCATOR_LIBRARY ${CONNSIM_JEMALLOC_LIBRARY})
  elseif(CONNSIM_ALLOCATOR STREQUAL "mimalloc")
    find_library(CONNSIM_MIMALLOC_LIBRARY NAMES mimalloc)
    set(CONNSIM_ALLOCATOR_LIBRARY ${CONNSIM_MIMALLOC_LIBRARY})
  else()
    message(FATAL_ERROR "CONNSIM_ALLOCATOR: expected auto, mimalloc, jemalloc or system, got ${CONNSIM_ALLOCATOR}")
  endif()
  if(NOT CONNSIM_ALLOCATOR_LIBRARY)
    if(CONNSIM_ALLOCATOR STREQUAL "auto")
      set(CONNSIM_ALLOCATOR_LIBRARY "")
    else()
      message(FATAL_ERROR "CONNSIM_ALLOCATOR=${CONNSIM_ALLOCATOR}: the library is not installed (apt-get install lib${CONNSIM_ALLOCATOR}-dev)")
    endif()
  endif()
endif()
if(CONNSIM_ALLOCATOR_LIBRARY)
  message(STATUS "connsim allocator: ${CONNSIM_ALLOCATOR_LIBRARY}")
else()
  message(STATUS "connsim allocator: the C library's malloc")
endif()

# Links the chosen allocator into `target` (an executable), ahead of the C library, so its malloc
# and free replace the C library's for the whole process.
function(connsim_link_allocator target)
  if(CONNSIM_ALLOCATOR_LIBRARY)
    target_link_libraries(${target} PRIVATE ${CONNSIM_ALLOCATOR_LIBRARY})
  endif()
endfunction()
