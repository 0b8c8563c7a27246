# Compiles and runs the C example of docs/c-api.md (its first ```c block) against libpact.so,
# with the strict C99 flags, so that the page's example cannot rot.
#   cmake -DDOC=... -DWORK_DIR=... -DC_COMPILER=... -DINCLUDE_DIR=... -DLIBRARY_DIR=... -P doc_example.cmake
file(READ "${DOC}" _doc)
string(FIND "${_doc}" "```c\n" _start)
if(_start EQUAL -1)
  message(FATAL_ERROR "no ```c block in ${DOC}")
endif()
math(EXPR _start "${_start} + 5")
string(SUBSTRING "${_doc}" ${_start} -1 _rest)
string(FIND "${_rest}" "```" _end)
string(SUBSTRING "${_rest}" 0 ${_end} _code)
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/doc_example.c" "${_code}")
execute_process(COMMAND "${C_COMPILER}" -std=c99 -Wall -Wextra -Werror -pedantic "-I${INCLUDE_DIR}"
                        "${WORK_DIR}/doc_example.c" "-L${LIBRARY_DIR}" -lpact -lm "-Wl,-rpath,${LIBRARY_DIR}"
                        -o "${WORK_DIR}/doc_example"
                RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the example of ${DOC} does not compile:\n${_err}")
endif()
execute_process(COMMAND "${WORK_DIR}/doc_example" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message("${_out}${_err}")
if(NOT _rc EQUAL 0 OR NOT _out MATCHES "row 0: P\\(chronic\\) = 0\\.[0-9]+" OR NOT _out MATCHES "row 1 rejected: 9 is not one of the options")
  message(FATAL_ERROR "the example of ${DOC} did not run as the page says")
endif()
