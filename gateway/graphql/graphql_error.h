#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "graphql/ast.h"

namespace livedrop::graphql {

// One entry of a response's "errors": message, locations, path and extensions.code.
struct GraphQLError {
  std::string message;
  std::vector<Location> locations;
  boost::json::array path;  // response keys (strings) and list indices (integers)
  std::string code;         // extensions.code; empty for none

  boost::json::object ToJson() const;
};

using GraphQLErrors = std::vector<GraphQLError>;

boost::json::array ToJson(const GraphQLErrors& errors);

}  // namespace livedrop::graphql
