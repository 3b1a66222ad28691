#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "graphql/ast.h"
#include "graphql/graphql_error.h"
#include "graphql/schema.h"

namespace livedrop::graphql {

// Bounds on what one operation may ask for, checked before it runs.
struct QueryLimits {
  int max_depth = 12;           // nesting of fields (fragments count where they are spread)
  int max_aliases = 30;         // aliased fields in the operation
  long max_cost = 5000;         // every field costs 1; a list field multiplies its selections
  long default_list_size = 20;  // a list's size when no `first`/`last` argument says it
};

// The limit errors of one operation of a valid document (QUERY_TOO_DEEP, TOO_MANY_ALIASES,
// QUERY_TOO_COMPLEX). A `first` or `last` argument (a literal or a variable) sizes its field;
// a list field without one counts default_list_size, unless its parent field was sized (the
// edges of a page). Fragments are weighed once however often they are spread, so the check
// stays linear in the document. The introspection fields are exempt: they are in-memory and
// bounded by the schema and the parser's nesting limit.
GraphQLErrors CheckLimits(const Schema& schema, const ast::Document& document,
                          const ast::OperationDefinition& operation,
                          const boost::json::object& variables, const QueryLimits& limits);

}  // namespace livedrop::graphql
