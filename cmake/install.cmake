# Installation of the tracing library: the public headers (include/cairn/trace), the static
# libraries it is made of (cairn_trace, cairn_model, cairn_base), a CMake package and a pkg-config
# file. Everything belongs to the install component `trace`, so
#   cmake --install <build> --prefix <dir> [--component trace]
# gives a consumer `find_package(cairn)` -> `cairn::trace` (links model, base and Threads), or
# `pkg-config --cflags --libs cairn`. Both files are relocatable: they find the prefix from where
# they were installed, not from CMAKE_INSTALL_PREFIX at configure time.
# Nothing else (tests, benchmarks, servers, GTest, Google Benchmark) is installed here.

include(CMakePackageConfigHelpers)

set(CAIRN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/cairn)
set(cairn_installed_libs cairn_trace cairn_model cairn_base)

foreach(lib ${cairn_installed_libs})
  if(NOT TARGET ${lib})
    message(FATAL_ERROR "install.cmake: target ${lib} is missing; lib/ must define it")
  endif()
  string(REPLACE "cairn_" "" export_name ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${export_name})
  # The public headers use C++20 (std::span, defaulted comparisons): consumers get the standard
  # through the imported targets' INTERFACE_COMPILE_FEATURES.
  target_compile_features(${lib} INTERFACE cxx_std_20)
endforeach()

install(TARGETS ${cairn_installed_libs}
  EXPORT cairnTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT trace
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT trace)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/cairn/trace
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/cairn
  COMPONENT trace
  FILES_MATCHING PATTERN "*.h")

install(EXPORT cairnTargets
  NAMESPACE cairn::
  FILE cairnTargets.cmake
  DESTINATION ${CAIRN_INSTALL_CMAKEDIR}
  COMPONENT trace)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cairnConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/cairnConfig.cmake
  INSTALL_DESTINATION ${CAIRN_INSTALL_CMAKEDIR})
# 0.x: minor versions may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/cairnConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/cairnConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/cairnConfigVersion.cmake
  DESTINATION ${CAIRN_INSTALL_CMAKEDIR}
  COMPONENT trace)

# pkg-config: the prefix is derived from ${pcfiledir} so that `--prefix` at install time works.
set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE ${CMAKE_INSTALL_LIBDIR} OR IS_ABSOLUTE ${CMAKE_INSTALL_INCLUDEDIR})
  set(CAIRN_PC_PREFIX ${CMAKE_INSTALL_PREFIX})
  set(CAIRN_PC_LIBDIR ${CMAKE_INSTALL_FULL_LIBDIR})
  set(CAIRN_PC_INCLUDEDIR ${CMAKE_INSTALL_FULL_INCLUDEDIR})
else()
  file(RELATIVE_PATH pc_to_prefix /cairn-prefix/${pc_dir} /cairn-prefix)
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(CAIRN_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
  set(CAIRN_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(CAIRN_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/cairn.pc.in ${PROJECT_BINARY_DIR}/cmake/cairn.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/cmake/cairn.pc DESTINATION ${pc_dir} COMPONENT trace)
