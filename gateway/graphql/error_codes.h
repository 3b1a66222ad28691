#pragma once

// The stable `extensions.code` values of GraphQL errors (the Apollo conventions), in one place.
// Resolver failures carry the livedrop::Error code instead (the same codes as REST).
namespace livedrop::graphql::codes {

inline constexpr char kParseFailed[] = "GRAPHQL_PARSE_FAILED";
inline constexpr char kValidationFailed[] = "GRAPHQL_VALIDATION_FAILED";
inline constexpr char kBadUserInput[] = "BAD_USER_INPUT";
inline constexpr char kOperationNotFound[] = "OPERATION_RESOLUTION_FAILURE";
inline constexpr char kQueryTooDeep[] = "QUERY_TOO_DEEP";
inline constexpr char kQueryTooComplex[] = "QUERY_TOO_COMPLEX";
inline constexpr char kTooManyAliases[] = "TOO_MANY_ALIASES";
inline constexpr char kInternal[] = "INTERNAL_SERVER_ERROR";

}  // namespace livedrop::graphql::codes
