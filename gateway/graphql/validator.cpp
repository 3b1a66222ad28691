#include "graphql/validator.h"

namespace livedrop::graphql {

GraphQLErrors Validate(const Schema& schema, const ast::Document& document) { return {}; }

}  // namespace livedrop::graphql
