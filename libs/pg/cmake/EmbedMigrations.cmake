# livedrop_embed_migrations(<target> DIR <dir> FUNCTION <ns::Function> HEADER <name.h>)
#
# Compiles <dir>/NNNN_<name>.sql into <target> as
#   const std::vector<livedrop::pg::Migration>& ns::Function();
# declared in <HEADER>, so a service binary carries its own migrations (nothing to ship
# beside it). The files are re-read whenever one changes; a new file re-runs CMake.

function(livedrop_embed_migrations target)
  cmake_parse_arguments(ARG "" "DIR;FUNCTION;HEADER" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${ARG_DIR}/*.sql)
  list(SORT sql_files)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/migrations_gen)
  set(header ${out_dir}/${ARG_HEADER})
  get_filename_component(stem ${ARG_HEADER} NAME_WE)
  set(source ${out_dir}/${stem}.cpp)
  add_custom_command(
    OUTPUT ${header} ${source}
    COMMAND ${CMAKE_COMMAND} -DDIR=${ARG_DIR} -DFUNCTION=${ARG_FUNCTION} -DHEADER=${header}
            -DSOURCE=${source} -P ${CMAKE_SOURCE_DIR}/libs/pg/cmake/GenerateMigrations.cmake
    DEPENDS ${sql_files} ${CMAKE_SOURCE_DIR}/libs/pg/cmake/GenerateMigrations.cmake
    COMMENT "Embedding SQL migrations of ${target}")
  target_sources(${target} PRIVATE ${source} ${header})
  target_include_directories(${target} PUBLIC ${out_dir})
  target_link_libraries(${target} PUBLIC livedrop::pg)
endfunction()
