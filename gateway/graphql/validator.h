#pragma once

#include "graphql/ast.h"
#include "graphql/graphql_error.h"
#include "graphql/schema.h"

namespace livedrop::graphql {

// The specification's validation rules (section 5) that clients rely on, with graphql-js's
// messages and locations; every error has code GRAPHQL_VALIDATION_FAILED.
GraphQLErrors Validate(const Schema& schema, const ast::Document& document);

}  // namespace livedrop::graphql
