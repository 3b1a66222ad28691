#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "graphql/ast.h"
#include "graphql/graphql_error.h"
#include "graphql/schema.h"

// Input coercion (literals and variables to values of a type) and result coercion of leaves,
// as the specification's sections 3 and 6 define them. Values are JSON: enums as their names,
// input objects as objects.
namespace livedrop::graphql {

// A literal of an argument or default value as a value of `type`; nullopt when invalid or when
// it names a variable absent from `variables` (null `variables`: none are known).
std::optional<boost::json::value> CoerceLiteral(const ast::Value& literal, const TypeRef& type,
                                                const Schema& schema,
                                                const boost::json::object* variables);

// Why a JSON input value does not fit its type, in graphql-js's words.
struct InputError {
  std::string message;
  std::string path;  // ".field[2]" below the value, empty at the top
  boost::json::value value;
};

// A JSON input (a variable's value) as a value of `type`.
std::optional<boost::json::value> CoerceInput(const boost::json::value& input, const TypeRef& type,
                                              const Schema& schema, InputError* error);

// Appends the errors of ValuesOfCorrectType for a literal (variables inside are not checked).
void CheckLiteral(const ast::Value& literal, const TypeRef& type, const Schema& schema,
                  GraphQLErrors& errors);

// A resolved value as a leaf of the response; nullopt (with *error) when it cannot be one.
std::optional<boost::json::value> SerializeLeaf(const NamedType& type,
                                                const boost::json::value& value,
                                                std::string* error);

// graphql-js's inspect(): how a JSON value appears inside messages.
std::string Inspect(const boost::json::value& value);

}  // namespace livedrop::graphql
