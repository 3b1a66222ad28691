#pragma once

#include <string>

#include "graphql/schema.h"

namespace livedrop::graphql {

// The schema as SDL, laid out like graphql-js's printSchema (so printSchema of the schema a
// client builds from introspection reads the same): no built-in types or directives, the schema
// definition only when the root types have other than the usual names, no trailing newline.
std::string PrintSchema(const Schema& schema);

}  // namespace livedrop::graphql
