#include "graphql/parser.h"

#include <gtest/gtest.h>

#include <string>

namespace livedrop::graphql {
namespace {

GraphQLError ParseError(const std::string& source, const ParseLimits& limits = {}) {
  ParseResult result = Parse(source, limits);
  EXPECT_FALSE(result.document) << source;
  return result.error.value_or(GraphQLError{"(no error)", {}, {}, ""});
}

std::shared_ptr<const ast::Document> ParseOk(const std::string& source) {
  ParseResult result = Parse(source);
  EXPECT_FALSE(result.error) << result.error->message;
  return result.document;
}

TEST(Parser, EmptyDocument_UnexpectedEof) {
  GraphQLError e = ParseError("");
  EXPECT_EQ(e.message, "Syntax Error: Unexpected <EOF>.");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 1}}));
  EXPECT_EQ(e.code, "GRAPHQL_PARSE_FAILED");
}

TEST(Parser, UnclosedSelectionSet_ExpectedNameFoundEofAtEnd) {
  GraphQLError e = ParseError("{\n  drop(id: 1) {\n    name\n");
  EXPECT_EQ(e.message, "Syntax Error: Expected Name, found <EOF>.");
  EXPECT_EQ(e.locations, (std::vector<Location>{{4, 1}}));
}

TEST(Parser, EmptySelectionSet_ExpectedNameFoundBrace) {
  GraphQLError e = ParseError("{ drop { } }");
  EXPECT_EQ(e.message, "Syntax Error: Expected Name, found \"}\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 10}}));
}

TEST(Parser, UnknownKeyword_UnexpectedName) {
  GraphQLError e = ParseError("notanoperation Foo { field }");
  EXPECT_EQ(e.message, "Syntax Error: Unexpected Name \"notanoperation\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 1}}));
}

TEST(Parser, FragmentNamedOn_Unexpected) {
  GraphQLError e = ParseError("fragment on on on { on }");
  EXPECT_EQ(e.message, "Syntax Error: Unexpected Name \"on\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 10}}));
}

TEST(Parser, MissingColonInArgument_ExpectedColon) {
  GraphQLError e = ParseError("{ f(a 1) }");
  EXPECT_EQ(e.message, "Syntax Error: Expected \":\", found Int \"1\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 7}}));
}

TEST(Parser, VariableInDefaultValue_NotConstant) {
  GraphQLError e = ParseError("query Q($a: Int = $b) { f }");
  EXPECT_EQ(e.message, "Syntax Error: Unexpected variable \"$b\" in constant value.");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 19}}));
}

TEST(Parser, DollarWithoutNameInDefaultValue_UnexpectedDollar) {
  GraphQLError e = ParseError("query Q($a: Int = $) { f }");
  EXPECT_EQ(e.message, "Syntax Error: Unexpected \"$\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 19}}));
}

// graphql-js reads a braced escape up to 12 characters, the code point in 32 signed bits, and
// shows what it read; messages slice UTF-16 code units, not bytes.
TEST(Parser, UnicodeEscapeErrors_ShowWhatGraphqlJsShows) {
  EXPECT_EQ(ParseError("{ f(a: \"\\u{110000}\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\u{00000000041}\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u{000000000\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\u{FFFFFFFF}\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u{FFFFFFFF\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\u{}\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u{}\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\u12\u00e9\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u12\u00e9\"\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\\u00e9\") }").message,
            "Syntax Error: Invalid character escape sequence: \"\\\u00e9\".");
  ParseOk("{ f(a: \"\\u{1F600}\\u{0}\") }");
}

TEST(Parser, LexerErrors_MessagesAndPositions) {
  EXPECT_EQ(ParseError("{ f(a: \"abc) }").message, "Syntax Error: Unterminated string.");
  EXPECT_EQ(ParseError("{ f(a: \"abc) }").locations, (std::vector<Location>{{1, 15}}));
  EXPECT_EQ(ParseError("{ f(a: 01) }").message,
            "Syntax Error: Invalid number, unexpected digit after 0: \"1\".");
  EXPECT_EQ(ParseError("{ f(a: 1.) }").message,
            "Syntax Error: Invalid number, expected digit but got: \")\".");
  EXPECT_EQ(ParseError("{ f(a: 1x) }").locations, (std::vector<Location>{{1, 9}}));
  EXPECT_EQ(ParseError("{ f(a: \"\\x\") }").message,
            "Syntax Error: Invalid character escape sequence: \"\\x\".");
  EXPECT_EQ(ParseError("{ f(a: \"\\u12G4\") }").message,
            "Syntax Error: Invalid Unicode escape sequence: \"\\u12G4\".");
  EXPECT_EQ(ParseError("{ ? }").message, "Syntax Error: Unexpected character: \"?\".");
  EXPECT_EQ(ParseError("{ f(a: 'x') }").message,
            "Syntax Error: Unexpected single quote character ('), did you mean to use a double "
            "quote (\")?");
  EXPECT_EQ(ParseError("{ \x07 }").message, "Syntax Error: Unexpected character: U+0007.");
}

TEST(Parser, LocationsCountLinesAndCrLf) {
  GraphQLError e = ParseError("{\r\n  a\r\n  b(\r\n}");
  EXPECT_EQ(e.message, "Syntax Error: Expected Name, found \"}\".");
  EXPECT_EQ(e.locations, (std::vector<Location>{{4, 1}}));
}

TEST(Parser, ColumnsCountUtf16Units) {
  // U+1F600 is two UTF-16 code units, like graphql-js counts it.
  GraphQLError e = ParseError("{ f(a: \"\xF0\x9F\x98\x80\") ? }");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 14}}));
}

TEST(Parser, QueryWithEverything_BuildsTreeWithLocations) {
  auto doc = ParseOk(
      "query Drops($first: Int = 10, $status: [Status!]! @dir) @op {\n"
      "  list: drops(first: $first, filter: {status: LIVE, tags: [\"a\", \"b\"]}, f: 1.5e3,\n"
      "              n: null, b: true) @include(if: true) {\n"
      "    id\n"
      "    ...DropFields\n"
      "    ... on Drop { name }\n"
      "    ... @skip(if: false) { id }\n"
      "  }\n"
      "}\n"
      "fragment DropFields on Drop { creator { id } }\n");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->operations.size(), 1u);
  const ast::OperationDefinition& op = doc->operations[0];
  EXPECT_EQ(op.name, "Drops");
  EXPECT_EQ(op.operation, ast::OperationType::kQuery);
  ASSERT_EQ(op.variables.size(), 2u);
  EXPECT_EQ(op.variables[0].default_value->text, "10");
  EXPECT_EQ(op.variables[1].type.ToString(), "[Status!]!");
  EXPECT_EQ(op.variables[1].loc, (Location{1, 31}));
  const ast::Selection& list = op.selection_set.selections[0];
  EXPECT_EQ(list.alias, "list");
  EXPECT_EQ(list.name, "drops");
  EXPECT_EQ(list.loc, (Location{2, 3}));
  ASSERT_EQ(list.arguments.size(), 5u);
  EXPECT_EQ(list.arguments[1].value.kind, ast::ValueKind::kObject);
  EXPECT_EQ(list.arguments[1].value.fields[0].value.kind, ast::ValueKind::kEnum);
  EXPECT_EQ(list.arguments[1].value.fields[1].value.list[1].text, "b");
  EXPECT_EQ(list.arguments[2].value.kind, ast::ValueKind::kFloat);
  EXPECT_EQ(list.arguments[3].value.kind, ast::ValueKind::kNull);
  EXPECT_EQ(list.arguments[4].value.kind, ast::ValueKind::kBoolean);
  EXPECT_EQ(list.directives[0].name, "include");
  const auto& inner = list.selection_set.selections;
  ASSERT_EQ(inner.size(), 4u);
  EXPECT_EQ(inner[1].kind, ast::SelectionKind::kFragmentSpread);
  EXPECT_EQ(inner[1].name, "DropFields");
  EXPECT_EQ(inner[2].kind, ast::SelectionKind::kInlineFragment);
  EXPECT_EQ(inner[2].type_condition, "Drop");
  EXPECT_EQ(inner[3].type_condition, "");
  EXPECT_EQ(inner[3].directives[0].name, "skip");
  ASSERT_EQ(doc->fragments.size(), 1u);
  EXPECT_EQ(doc->fragments[0].type_condition, "Drop");
  EXPECT_EQ(doc->fragments[0].loc, (Location{10, 1}));
}

TEST(Parser, Strings_EscapesAndBlockStringDedent) {
  auto doc = ParseOk(
      "{ f(a: \"x\\n\\u00e9\\u{1F600}\\uD83D\\uDE00\\\"\", b: \"\"\"\n"
      "    first\n"
      "      indented \\\"\"\"\n"
      "\n"
      "  \"\"\") }");
  ASSERT_TRUE(doc);
  const auto& args = doc->operations[0].selection_set.selections[0].arguments;
  EXPECT_EQ(args[0].value.text, "x\n\xC3\xA9\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"");
  EXPECT_TRUE(args[1].value.block);
  EXPECT_EQ(args[1].value.text, "first\n  indented \"\"\"");
}

TEST(Parser, TypeSystemDefinitions_Parsed) {
  auto doc = ParseOk(
      "\"\"\"The root\"\"\" schema { query: Q mutation: M }\n"
      "\"A drop\" type Drop implements Node & Thing @key { \"id\" id: ID!\n"
      "  items(first: Int = 5 @deprecated): [Item] @deprecated(reason: \"no\") }\n"
      "interface Node { id: ID! }\n"
      "union U = | A | B\n"
      "enum Status { LIVE \"ended\" ENDED @deprecated }\n"
      "input In { a: Int = 1, b: [String!] }\n"
      "scalar Time @specifiedBy(url: \"https://x\")\n"
      "directive @key(name: String) repeatable on OBJECT | FIELD_DEFINITION\n"
      "extend type Drop { more: Int }\n");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->schemas.size(), 1u);
  EXPECT_EQ(*doc->schemas[0].description, "The root");
  ASSERT_EQ(doc->types.size(), 7u);
  EXPECT_EQ(doc->types[0].interfaces, (std::vector<std::string>{"Node", "Thing"}));
  EXPECT_EQ(doc->types[0].fields[1].arguments[0].default_value->text, "5");
  EXPECT_EQ(doc->types[2].union_members, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(*doc->types[3].enum_values[1].description, "ended");
  EXPECT_TRUE(doc->types[6].extension);
  ASSERT_EQ(doc->directives.size(), 1u);
  EXPECT_TRUE(doc->directives[0].repeatable);
  EXPECT_EQ(doc->directives[0].locations.size(), 2u);
  EXPECT_EQ(doc->non_executable.size(), 9u);
}

TEST(Parser, EnumValueNamedTrue_Reserved) {
  EXPECT_EQ(ParseError("enum E { true }").message,
            "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value.");
}

TEST(Parser, DescriptionOnOperation_Rejected) {
  EXPECT_EQ(ParseError("\"d\" query { a }").message,
            "Syntax Error: Unexpected description, descriptions are supported only on type "
            "definitions.");
}

TEST(Parser, TooManyTokens_Aborted) {
  ParseLimits limits;
  limits.max_tokens = 5;
  GraphQLError e = ParseError("{ a b c d e f }", limits);
  EXPECT_EQ(e.message, "Syntax Error: Document contains more than 5 tokens. Parsing aborted.");
  EXPECT_EQ(e.locations, (std::vector<Location>{{1, 11}}));
}

TEST(Parser, TooLarge_RejectedBeforeLexing) {
  ParseLimits limits;
  limits.max_bytes = 4;
  GraphQLError e = ParseError("{ abc }", limits);
  EXPECT_EQ(e.message, "Document is larger than the limit of 4 bytes.");
  EXPECT_EQ(e.code, "GRAPHQL_PARSE_FAILED");
}

TEST(Parser, HostileNesting_BoundedWithoutStackOverflow) {
  ParseLimits limits;
  limits.max_tokens = 10'000'000;
  limits.max_bytes = 10'000'000;
  std::string deep_selections;
  for (int i = 0; i < 100000; ++i) deep_selections += "{a";
  EXPECT_EQ(ParseError(deep_selections, limits).message,
            "Syntax Error: Document nesting is deeper than 64 levels. Parsing aborted.");
  std::string deep_list = "{ f(a: " + std::string(100000, '[') + ") }";
  EXPECT_NE(ParseError(deep_list, limits).message.find("nesting is deeper"), std::string::npos);
  std::string deep_type = "query($a: " + std::string(100000, '[') + ") { f }";
  EXPECT_NE(ParseError(deep_type, limits).message.find("nesting is deeper"), std::string::npos);
}

TEST(Parser, NestingAtTheLimit_Accepted) {
  std::string ok;
  for (int i = 0; i < 63; ++i) ok += "{ a ";
  ok += "{ b }";
  for (int i = 0; i < 63; ++i) ok += " }";
  EXPECT_TRUE(ParseOk(ok));
}

}  // namespace
}  // namespace livedrop::graphql
