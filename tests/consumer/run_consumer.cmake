# Installs the pact build tree into a fresh prefix and uses it from outside, as a host would:
#  1. cmake --install <build> --prefix <work>/prefix
#  2. configure and build tests/consumer with find_package(pact CONFIG) (pact::pact,
#     pact::pact_c, pact::pact_c_static) and run the three programs;
#  3. compile consumer.c with `pkg-config --cflags --libs pact` alone and run it against the
#     installed libpact.so.
# The C and C++ programs must print the same composite score.
#   cmake -DPACT_BUILD_DIR=... -DWORK_DIR=... -DASSESSMENT=... -DC_COMPILER=... -DCXX_COMPILER=...
#         -DBUILD_TYPE=... -P run_consumer.cmake

foreach(_var PACT_BUILD_DIR WORK_DIR ASSESSMENT C_COMPILER CXX_COMPILER BUILD_TYPE)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_consumer.cmake needs -D${_var}=...")
  endif()
endforeach()
set(_source "${CMAKE_CURRENT_LIST_DIR}")
set(_prefix "${WORK_DIR}/prefix")
set(_models "${_prefix}/share/pact/models")

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _command "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_command}\n${_out}\n${_err}")
  endif()
  set(run_output "${_out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
run("${CMAKE_COMMAND}" --install "${PACT_BUILD_DIR}" --prefix "${_prefix}" --config "${BUILD_TYPE}")
foreach(_file include/pact.h include/pact/scoring.hpp lib/cmake/pact/pactConfig.cmake lib/pkgconfig/pact.pc)
  if(NOT EXISTS "${_prefix}/${_file}")
    message(FATAL_ERROR "the installation lacks ${_file}")
  endif()
endforeach()

# find_package(pact CONFIG), nothing but the prefix to go on.
run("${CMAKE_COMMAND}" -S "${_source}" -B "${WORK_DIR}/build" "-DCMAKE_PREFIX_PATH=${_prefix}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
run("${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --parallel 2)
set(_composite)
foreach(_program consumer_cxx consumer_pact_c consumer_pact_c_static)
  run("${WORK_DIR}/build/${_program}" "${_models}" "${ASSESSMENT}")
  message(STATUS "${_program}: ${run_output}")
  string(REGEX MATCH "composite=[^\n]*" _line "${run_output}")
  list(APPEND _composite "${_line}")
endforeach()

# pkg-config only, against the installed shared library.
set(ENV{PKG_CONFIG_PATH} "${_prefix}/lib/pkgconfig")
find_program(_pkg_config pkg-config REQUIRED)
run("${_pkg_config}" --cflags --libs pact)
string(STRIP "${run_output}" _flags)
separate_arguments(_flags UNIX_COMMAND "${_flags}")
run("${C_COMPILER}" -std=c99 -Wall -Wextra -Werror -pedantic "${_source}/consumer.c" ${_flags}
    -o "${WORK_DIR}/consumer_pkgconfig")
run("${CMAKE_COMMAND}" -E env "LD_LIBRARY_PATH=${_prefix}/lib" "${WORK_DIR}/consumer_pkgconfig" "${_models}"
    "${ASSESSMENT}")
message(STATUS "consumer_pkgconfig (${_flags}): ${run_output}")
string(REGEX MATCH "composite=[^\n]*" _line "${run_output}")
list(APPEND _composite "${_line}")

list(REMOVE_DUPLICATES _composite)
list(LENGTH _composite _distinct)
if(NOT _distinct EQUAL 1 OR _composite STREQUAL "")
  message(FATAL_ERROR "the consumers disagree on the composite: ${_composite}")
endif()
message(STATUS "all four consumers agree: ${_composite}")
