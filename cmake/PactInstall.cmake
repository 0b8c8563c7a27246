# Install rules: headers, the C++ library with its CMake package (find_package(pact CONFIG)),
# a version file, and a pkg-config file.
include(CMakePackageConfigHelpers)

set(PACT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pact" CACHE STRING "Where pactConfig.cmake goes")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/pact" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT pact_development)
install(TARGETS pact_cxx EXPORT pactTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_development
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT pact_runtime
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT pact_runtime)
install(EXPORT pactTargets NAMESPACE pact:: DESTINATION "${PACT_INSTALL_CMAKEDIR}" COMPONENT pact_development)
# The build tree can be used too: find_package(pact CONFIG) with pact_DIR=<build dir>.
export(EXPORT pactTargets NAMESPACE pact:: FILE "${PROJECT_BINARY_DIR}/pactTargets.cmake")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/pactConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pactConfig.cmake" INSTALL_DESTINATION "${PACT_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pactConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/pactConfig.cmake" "${PROJECT_BINARY_DIR}/pactConfigVersion.cmake"
        DESTINATION "${PACT_INSTALL_CMAKEDIR}" COMPONENT pact_development)

configure_file("${PROJECT_SOURCE_DIR}/cmake/pact-cxx.pc.in" "${PROJECT_BINARY_DIR}/pact-cxx.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pact-cxx.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
        COMPONENT pact_development)

install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/" DESTINATION "${CMAKE_INSTALL_DATADIR}/pact/models"
        COMPONENT pact_runtime FILES_MATCHING PATTERN "*.json" PATTERN "*.md" PATTERN "*.csv")
