# Compiles and runs PactExample.java (with Pact.java, the declarations of pact.h) against a built libpact.so (ctest c.java).
#   cmake -DJAVAC=... -DJAVA=... -DJNA_JAR=... -DLIBRARY_DIR=<dir of libpact.so> -DWORK_DIR=...
#         -DASSESSMENT=<assessment.json> -P run_example.cmake
foreach(_var JAVAC JAVA JNA_JAR LIBRARY_DIR WORK_DIR ASSESSMENT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_example.cmake needs -D${_var}=...")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${JAVAC}" -encoding UTF-8 -Xlint:all -Werror -cp "${JNA_JAR}" -d "${WORK_DIR}"
                        "${CMAKE_CURRENT_LIST_DIR}/Pact.java" "${CMAKE_CURRENT_LIST_DIR}/PactExample.java"
                RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "javac failed:\n${_err}")
endif()
execute_process(COMMAND "${JAVA}" -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 "-Djna.library.path=${LIBRARY_DIR}"
                        -cp "${JNA_JAR}:${WORK_DIR}" PactExample "${ASSESSMENT}"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message("${_out}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "PactExample failed (${_rc}):\n${_err}")
endif()
# The questionnaire came from the library in Spanish.
if(NOT _out MATCHES "== Empleabilidad" OR NOT _out MATCHES "\nPASS")
  message(FATAL_ERROR "PactExample did not render the questionnaire in Spanish or did not pass")
endif()
