#include "graphql/schema.h"

#include <gtest/gtest.h>

#include "graphql/schema_printer.h"

namespace livedrop::graphql {
namespace {

constexpr char kSdl[] = R"(schema {
  query: Root
}

directive @auth(role: String = "user") repeatable on FIELD_DEFINITION | OBJECT

"""An ISO-8601 instant."""
scalar DateTime @specifiedBy(url: "https://tools.ietf.org/html/rfc3339")

interface Node {
  id: ID!
}

"""
A timed sale.

Starts at `startsAt`.
"""
type Drop implements Node {
  id: ID!
  status: DropStatus!
  creator: User

  """Paged."""
  items(
    """How many."""
    first: Int = 10

    """After which cursor."""
    after: String
  ): [Item!]!
  old: String @deprecated
  older: String @deprecated(reason: "Use `status`.")
}

type User implements Node {
  id: ID!
  name: String
}

type Item {
  sku: String
}

union SearchResult = Drop | User

enum DropStatus {
  """Not yet."""
  SCHEDULED
  LIVE
  ENDED @deprecated
}

input DropFilter {
  status: DropStatus = LIVE
  creatorIds: [ID!] = [1, "a"]
  ratio: Float = 1.5
  nested: Range = {from: 1}
}

input Range {
  from: Int
  to: Int = 3
}

type Root {
  drop(id: ID!): Drop
  drops(filter: DropFilter = {status: SCHEDULED}, first: Int = 20): [Drop!]!
  search(text: String!): [SearchResult!]!
  node(id: ID!): Node
  now: DateTime
})";

TEST(Schema, FromSdl_PrintsBackLikeGraphqlJs) {
  auto schema = Schema::FromSdl(kSdl);
  // The defaults are printed as astFromValue makes them: input fields in definition order with
  // their defaults filled in, an integer-looking ID as an Int.
  std::string expected = kSdl;
  expected.replace(
      expected.find("{status: SCHEDULED}"), 19,
      "{status: SCHEDULED, creatorIds: [1, \"a\"], ratio: 1.5, nested: {from: 1, to: 3}}");
  expected.replace(expected.find("nested: Range = {from: 1}"), 25,
                   "nested: Range = {from: 1, to: 3}");
  // A described field after the first gets a blank line before it, as graphql-js prints it.
  EXPECT_EQ(PrintSchema(*schema), expected);
}

TEST(Schema, FromSdl_ResolvesTypesRootsAndPossibleTypes) {
  auto schema = Schema::FromSdl(kSdl);
  ASSERT_EQ(schema->QueryType()->name, "Root");
  EXPECT_EQ(schema->RootType(ast::OperationType::kMutation), nullptr);
  const NamedType* node = schema->FindType("Node");
  const NamedType* drop = schema->FindType("Drop");
  ASSERT_TRUE(node && drop);
  EXPECT_EQ(schema->PossibleTypes(*node).size(), 2u);
  EXPECT_TRUE(schema->IsPossibleType(*schema->FindType("SearchResult"), *drop));
  EXPECT_FALSE(
      schema->IsPossibleType(*schema->FindType("SearchResult"), *schema->FindType("Item")));
  EXPECT_EQ(drop->FindField("older")->deprecation_reason, "Use `status`.");
  EXPECT_EQ(drop->FindField("old")->deprecation_reason, "No longer supported");
  EXPECT_EQ(drop->FindField("items")->FindArg("first")->default_value, boost::json::value(10));
  EXPECT_EQ(schema->FindType("DateTime")->specified_by_url, "https://tools.ietf.org/html/rfc3339");
  EXPECT_TRUE(schema->FindType("__Schema")->built_in);
  EXPECT_TRUE(schema->FindDirective("skip"));
  EXPECT_TRUE(schema->FindDirective("auth")->repeatable);
}

TEST(Schema, FromSdl_DefaultRootNamesNeedNoSchemaDefinition) {
  auto schema = Schema::FromSdl("type Query { a: Int }\ntype Mutation { b: Int }");
  EXPECT_EQ(schema->RootType(ast::OperationType::kMutation)->name, "Mutation");
  EXPECT_EQ(PrintSchema(*schema), "type Query {\n  a: Int\n}\n\ntype Mutation {\n  b: Int\n}");
}

TEST(Schema, FromSdl_ExtensionsMergeIntoTheirType) {
  auto schema = Schema::FromSdl("type Query { a: Int }\nextend type Query { b: String }");
  EXPECT_EQ(schema->QueryType()->fields.size(), 2u);
}

TEST(Schema, FromSdl_SpecifiedScalarsNobodyUses_AreNotPartOfIt) {
  auto schema = Schema::FromSdl("type Query { a(x: ID): Int }");
  EXPECT_TRUE(schema->FindType("Int"));
  EXPECT_TRUE(schema->FindType("ID"));
  EXPECT_TRUE(schema->FindType("String"));   // the introspection types use it
  EXPECT_TRUE(schema->FindType("Boolean"));  // and @skip, @include
  EXPECT_FALSE(schema->FindType("Float"));
  for (const NamedType* type : schema->Types()) EXPECT_NE(type->name, "Float");
}

TEST(Schema, Types_InGraphqlJsOrder) {
  auto schema = Schema::FromSdl(R"(
    type Query { a: A b(x: Int): Boolean }
    type A { id: ID! q: Query f: Float n: Int })");
  std::vector<std::string> names;
  for (const NamedType* type : schema->Types()) names.push_back(type->name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Query", "Boolean", "Int", "A", "ID", "Float", "String",
                                      "__Schema", "__Type", "__TypeKind", "__Field", "__InputValue",
                                      "__EnumValue", "__Directive", "__DirectiveLocation"}));
}

void ExpectSchemaError(const std::string& sdl, const std::string& fragment) {
  try {
    Schema::FromSdl(sdl);
    ADD_FAILURE() << "accepted: " << sdl;
  } catch (const SchemaError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Schema, FromSdl_RejectsInvalidSchemas) {
  ExpectSchemaError("type Query { a: Nope }", "Unknown type \"Nope\"");
  ExpectSchemaError("type Query { a: Int }\ntype Query { b: Int }",
                    "There can be only one type named \"Query\"");
  ExpectSchemaError("type Foo { a: Int }", "Query root type must be provided");
  ExpectSchemaError("type Query { a(x: Query): Int }", "must be Input Type");
  ExpectSchemaError("input I { a: Int }\ntype Query { a: I }", "must be Output Type");
  ExpectSchemaError("interface N { id: ID! }\ntype Query implements N { a: Int }",
                    "Interface field N.id expected but Query does not provide it");
  ExpectSchemaError("type Query { a: Int", "Syntax Error: Expected Name, found <EOF>.");
  ExpectSchemaError("type Query { a(x: Int = \"s\"): Int }", "Invalid default value");
  ExpectSchemaError("type __Query { a: Int }", "reserved by GraphQL introspection");
  ExpectSchemaError("scalar String\ntype Query { a: Int }", "already exists in the schema");
}

}  // namespace
}  // namespace livedrop::graphql
