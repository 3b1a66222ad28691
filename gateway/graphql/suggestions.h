#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "graphql/schema.h"

namespace livedrop::graphql {

// "Did you mean …?" as graphql-js words it, so a misspelt field, argument, type, enum value
// or input field gets the same hint from this engine as from the reference implementation.

// The options close enough to `input` (Damerau-Levenshtein distance, case-insensitive, within
// 40% of its length), nearest first, ties in natural order.
std::vector<std::string> SuggestionList(std::string_view input,
                                        const std::vector<std::string>& options);

// " Did you mean "a", "b", or "c"?" (at most five), with `sub_message` after "mean" when given;
// empty without suggestions. Appended to a message that ends with its full stop.
std::string DidYouMean(const std::vector<std::string>& suggestions,
                       std::string_view sub_message = "");

// The hint for a field `name` that `type` lacks: the types of an abstract `type` that have it
// (" Did you mean to use an inline fragment on …?"), else the type's fields spelt alike.
std::string SuggestField(const Schema& schema, const NamedType& type, std::string_view name);
std::string SuggestArgument(const std::vector<InputValue>& args, std::string_view name);
std::string SuggestInputField(const NamedType& input_object, std::string_view name);
std::string SuggestEnumValue(const NamedType& enum_type, std::string_view value);
std::string SuggestType(const Schema& schema, std::string_view name);

}  // namespace livedrop::graphql
