# cmake -P: turns a text file into a header holding it as a raw string literal.
#   -DINPUT=<file> -DOUTPUT=<header> -DNAME=<constant name, e.g. kOpenApiJson>
file(READ ${INPUT} content)
string(FIND "${content}" ")embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )embedded\"")
endif()
get_filename_component(source ${INPUT} NAME)
file(WRITE ${OUTPUT} "#pragma once\n// Generated from ${source}; do not edit.\ninline constexpr char ${NAME}[] = R\"embedded(${content})embedded\";\n")
