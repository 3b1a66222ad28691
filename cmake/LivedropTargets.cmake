# Small helpers so every library, service and test is declared the same way.

set(LIVEDROP_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wno-missing-field-initializers)

# livedrop_library(<name> SOURCES ... DEPS ...)
# Creates target livedrop_<name> (alias livedrop::<name>) with include/ as its public headers.
function(livedrop_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(livedrop_${name} STATIC ${ARG_SOURCES})
  add_library(livedrop::${name} ALIAS livedrop_${name})
  target_include_directories(livedrop_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_compile_options(livedrop_${name} PRIVATE ${LIVEDROP_WARNINGS})
  target_link_libraries(livedrop_${name} PUBLIC ${ARG_DEPS})
endfunction()

# livedrop_executable(<target> OUTPUT <binary-name> SOURCES ... DEPS ...)
function(livedrop_executable target)
  cmake_parse_arguments(ARG "" "OUTPUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${LIVEDROP_WARNINGS})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS})
  if(ARG_OUTPUT)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT})
  endif()
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# livedrop_test(<target> SOURCES ... DEPS ... [LABELS ...])
# A GoogleTest binary registered with ctest; LABELS: unit | integration | e2e.
function(livedrop_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_compile_options(${target} PRIVATE ${LIVEDROP_WARNINGS})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  gtest_discover_tests(${target}
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}"
               ENVIRONMENT "LIVEDROP_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()

# livedrop_service(<name> SOURCES ... DEPS ...)
# The shape every service has: its logic, store and handlers in livedrop_<name>_core (which
# tests link), its migrations/NNNN_<what>.sql embedded as livedrop::<name>::Migrations() in
# <name>_migrations.h, and main.cpp built into the binary livedrop-<name>.
function(livedrop_service name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(core livedrop_${name}_core)
  add_library(${core} STATIC ${ARG_SOURCES})
  target_include_directories(${core} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_options(${core} PRIVATE ${LIVEDROP_WARNINGS})
  # livedrop::service for what every service shares beyond the frame (e.g. EnqueueEvent).
  target_link_libraries(${core} PUBLIC ${ARG_DEPS} livedrop::service)
  livedrop_embed_migrations(${core}
    DIR ${CMAKE_CURRENT_SOURCE_DIR}/migrations
    FUNCTION livedrop::${name}::Migrations
    HEADER ${name}_migrations.h)
  livedrop_executable(${name}_service OUTPUT livedrop-${name} SOURCES main.cpp
    DEPS ${core} livedrop::service)
endfunction()
