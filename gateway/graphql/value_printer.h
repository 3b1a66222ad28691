#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "graphql/ast.h"
#include "graphql/schema.h"

// Values printed as GraphQL source, the way graphql-js's print() writes them.
namespace livedrop::graphql {

std::string PrintLiteral(const ast::Value& literal);
// A coerced value as the literal graphql-js's astFromValue would make of it.
std::string PrintValue(const boost::json::value& value, const TypeRef& type, const Schema& schema);
std::string PrintString(std::string_view text);
std::string PrintBlockString(std::string_view text);
bool IsPrintableAsBlockString(std::string_view text);
// The shortest text that reads back as the same double, as JavaScript's String(number).
std::string PrintNumber(double number);

}  // namespace livedrop::graphql
