#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

#include "graphql/ast.h"
#include "graphql/graphql_error.h"

namespace livedrop::graphql {

// Bounds that keep hostile documents cheap: the parser stops at the first one exceeded.
struct ParseLimits {
  size_t max_bytes = 256 * 1024;
  size_t max_tokens = 20000;
  int max_depth = 64;  // nesting of selection sets, list and object values, list types
};

struct ParseResult {
  std::shared_ptr<const ast::Document> document;  // null when error is set
  std::optional<GraphQLError> error;              // code GRAPHQL_PARSE_FAILED
};

// Parses a document of the executable language and/or the type system definition language.
ParseResult Parse(std::string_view source, const ParseLimits& limits = {});

}  // namespace livedrop::graphql
