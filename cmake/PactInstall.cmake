# Install rules: headers, the C++ library and the C API with their CMake package
# (find_package(pact CONFIG): pact::pact, pact::pact_c, pact::pact_c_static), a version file,
# and pkg-config files (pact-cxx for C++, pact for the C API).
include(CMakePackageConfigHelpers)

set(PACT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pact" CACHE STRING "Where pactConfig.cmake goes")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/pact" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT pact_development)
install(TARGETS pact_cxx EXPORT pactTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_development
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_runtime
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT pact_runtime)
# The C API: pact.h, libpact.so (pact::pact_c) and libpact.a (pact::pact_c_static).
if(TARGET pact_c_shared)
  install(FILES "${PROJECT_SOURCE_DIR}/bindings/c/pact.h" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
          COMPONENT pact_development)
  install(TARGETS pact_c_shared pact_c_static EXPORT pactTargets
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_development
          LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_runtime NAMELINK_COMPONENT pact_development
          RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT pact_runtime)
endif()

install(EXPORT pactTargets NAMESPACE pact:: DESTINATION "${PACT_INSTALL_CMAKEDIR}" COMPONENT pact_development)
# The build tree can be used too: find_package(pact CONFIG) with pact_DIR=<build dir>.
export(EXPORT pactTargets NAMESPACE pact:: FILE "${PROJECT_BINARY_DIR}/pactTargets.cmake")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/pactConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pactConfig.cmake" INSTALL_DESTINATION "${PACT_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pactConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/pactConfig.cmake" "${PROJECT_BINARY_DIR}/pactConfigVersion.cmake"
        DESTINATION "${PACT_INSTALL_CMAKEDIR}" COMPONENT pact_development)

# pkg-config files find their prefix from where they are installed (${pcfiledir}), so that an
# installation moved to, or made with `cmake --install --prefix`, another place still works.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PACT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _pact_pc_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" _pact_pc_up "${_pact_pc_up}")
  set(PACT_PC_PREFIX "\${pcfiledir}/${_pact_pc_up}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/pact-cxx.pc.in" "${PROJECT_BINARY_DIR}/pact-cxx.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pact-cxx.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
        COMPONENT pact_development)
if(TARGET pact_c_shared)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/pact.pc.in" "${PROJECT_BINARY_DIR}/pact.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/pact.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
          COMPONENT pact_development)
endif()

install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/" DESTINATION "${CMAKE_INSTALL_DATADIR}/pact/models"
        COMPONENT pact_runtime FILES_MATCHING PATTERN "*.json" PATTERN "*.md" PATTERN "*.csv")
