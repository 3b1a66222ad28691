# cmake -P: turns the OpenAPI document into a header with a raw string literal.
file(READ ${INPUT} content)
string(FIND "${content}" ")openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "openapi.json contains the raw-string delimiter")
endif()
file(WRITE ${OUTPUT} "#pragma once\n// Generated from gateway/openapi/openapi.json; do not edit.\ninline constexpr char kOpenApiJson[] = R\"openapi(${content})openapi\";\n")
