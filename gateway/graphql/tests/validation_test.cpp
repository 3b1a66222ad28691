#include <gtest/gtest.h>

#include "graphql/parser.h"
#include "graphql/tests/test_schema.h"
#include "graphql/validator.h"

namespace livedrop::graphql {
namespace {

class ValidationTest : public ::testing::Test {
 protected:
  ValidationTest() : schema_(Schema::FromSdl(testing::kTestSdl)) {}

  GraphQLErrors Errors(const std::string& query) {
    ParseResult parsed = Parse(query);
    EXPECT_TRUE(parsed.document) << parsed.error->message;
    if (!parsed.document) return {};
    return Validate(*schema_, *parsed.document);
  }

  void ExpectValid(const std::string& query) {
    GraphQLErrors errors = Errors(query);
    for (const GraphQLError& e : errors) ADD_FAILURE() << query << "\n  " << e.message;
  }

  // The document has exactly this one error.
  void ExpectError(const std::string& query, const std::string& message,
                   std::vector<Location> locations) {
    GraphQLErrors errors = Errors(query);
    ASSERT_EQ(errors.size(), 1u) << query
                                 << (errors.empty()
                                         ? ""
                                         : "\n  " + errors[0].message +
                                               (errors.size() > 1 ? "\n  " + errors[1].message
                                                                  : ""));
    EXPECT_EQ(errors[0].message, message);
    EXPECT_EQ(errors[0].locations, locations);
    EXPECT_EQ(errors[0].code, "GRAPHQL_VALIDATION_FAILED");
  }

  std::shared_ptr<const Schema> schema_;
};

TEST_F(ValidationTest, ExecutableDefinitions) {
  ExpectValid("{ hello }");
  ExpectError("{ hello }\ntype Foo { a: Int }", "The \"Foo\" definition is not executable.",
              {{2, 1}});
}

TEST_F(ValidationTest, UniqueOperationNames) {
  ExpectValid("query A { hello } query B { hello }");
  ExpectError("query A { hello }\nquery A { version }",
              "There can be only one operation named \"A\".", {{1, 7}, {2, 7}});
}

TEST_F(ValidationTest, LoneAnonymousOperation) {
  ExpectValid("{ hello }");
  ExpectError("{ hello }\nquery B { hello }",
              "This anonymous operation must be the only defined operation.", {{1, 1}});
}

TEST_F(ValidationTest, SingleFieldSubscriptions) {
  ExpectValid("subscription S { dropEvents { dropId } }");
  ExpectError("subscription S { dropEvents { dropId } other: dropEvents { kind } }",
              "Subscription \"S\" must select only one top level field.", {{1, 40}});
}

TEST_F(ValidationTest, KnownTypeNames) {
  ExpectValid("query ($s: Status) { echo(status: $s) }");
  ExpectError("query ($s: [Nope!]) { echo(list: $s) }",
              "Unknown type \"Nope\". Did you mean \"Node\"?", {{1, 13}});
}

TEST_F(ValidationTest, FragmentsOnCompositeTypes) {
  ExpectValid("{ drop(id: 1) { ... on Drop { id } } }");
  ExpectError("{ drop(id: 1) { ... on Status { id } } }",
              "Fragment cannot condition on non composite type \"Status\".", {{1, 24}});
}

TEST_F(ValidationTest, VariablesAreInputTypes) {
  ExpectValid("query ($i: EchoInput) { echo(input: $i) }");
  GraphQLErrors errors = Errors("query ($d: Drop) { echo(s: $d) }");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message, "Variable \"$d\" cannot be non-input type \"Drop\".");
  EXPECT_EQ(errors[0].locations, (std::vector<Location>{{1, 12}}));
}

TEST_F(ValidationTest, ScalarLeafs) {
  ExpectValid("{ drop(id: 1) { id } }");
  ExpectError("{ drop(id: 1) }",
              "Field \"drop\" of type \"Drop\" must have a selection of subfields. Did you mean "
              "\"drop { ... }\"?",
              {{1, 3}});
  ExpectError("{ hello { x } }",
              "Field \"hello\" must not have a selection since type \"String\" has no subfields.",
              {{1, 9}});
}

TEST_F(ValidationTest, FieldsOnCorrectType) {
  ExpectValid("{ __typename drop(id: 1) { __typename id } __schema { types { name } } }");
  ExpectError("{ drop(id: 1) {\n  nope } }", "Cannot query field \"nope\" on type \"Drop\".",
              {{2, 3}});
  ExpectError("{ search { id } }",
              "Cannot query field \"id\" on type \"SearchResult\". Did you mean to use an inline "
              "fragment on \"Node\", \"Drop\", or \"User\"?",
              {{1, 12}});
}

TEST_F(ValidationTest, KnownArgumentNames) {
  ExpectValid("{ drops(first: 2) { id } }");
  ExpectError("{ drops(last: 2) { id } }", "Unknown argument \"last\" on field \"Query.drops\".",
              {{1, 9}});
  ExpectError("{ hello @skip(if: true, unless: false) }",
              "Unknown argument \"unless\" on directive \"@skip\".", {{1, 25}});
}

TEST_F(ValidationTest, ProvidedRequiredArguments) {
  ExpectValid("{ drop(id: 1) { id } }");
  ExpectError("{ drop { id } }",
              "Field \"drop\" argument \"id\" of type \"ID!\" is required, but it was not "
              "provided.",
              {{1, 3}});
  ExpectError("{ hello @include }",
              "Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it "
              "was not provided.",
              {{1, 9}});
}

TEST_F(ValidationTest, UniqueArgumentNames) {
  ExpectValid("{ echo(s: \"a\", n: 1) }");
  ExpectError("{ echo(s: \"a\", s: \"b\") }", "There can be only one argument named \"s\".",
              {{1, 8}, {1, 16}});
}

TEST_F(ValidationTest, UniqueFragmentNames) {
  ExpectValid("{ ...A ...B } fragment A on Query { hello } fragment B on Query { hello }");
  ExpectError("{ ...A } fragment A on Query { hello }\nfragment A on Query { version }",
              "There can be only one fragment named \"A\".", {{1, 19}, {2, 10}});
}

TEST_F(ValidationTest, KnownFragmentNames) {
  ExpectValid("{ ...A } fragment A on Query { hello }");
  ExpectError("{ ...Nope }", "Unknown fragment \"Nope\".", {{1, 6}});
}

TEST_F(ValidationTest, NoUnusedFragments) {
  ExpectValid("{ ...A } fragment A on Query { hello }");
  ExpectError("{ hello }\nfragment A on Query { hello }", "Fragment \"A\" is never used.",
              {{2, 1}});
}

TEST_F(ValidationTest, PossibleFragmentSpreads) {
  ExpectValid("{ node(id: 1) { ... on Drop { title } ...U } } fragment U on User { name }");
  ExpectError("{ drop(id: 1) { ... on User { name } } }",
              "Fragment cannot be spread here as objects of type \"Drop\" can never be of type "
              "\"User\".",
              {{1, 17}});
  ExpectError("{ drop(id: 1) { ...U } } fragment U on User { name }",
              "Fragment \"U\" cannot be spread here as objects of type \"Drop\" can never be of "
              "type \"User\".",
              {{1, 17}});
}

TEST_F(ValidationTest, NoFragmentCycles) {
  ExpectValid("{ ...A } fragment A on Query { ...B } fragment B on Query { hello }");
  ExpectError("{ ...A } fragment A on Query { ...B }\nfragment B on Query { ...A }",
              "Cannot spread fragment \"A\" within itself via \"B\".", {{1, 32}, {2, 23}});
  ExpectError("{ ...A } fragment A on Query { ...A }",
              "Cannot spread fragment \"A\" within itself.", {{1, 32}});
}

TEST_F(ValidationTest, UniqueVariableNames) {
  ExpectValid("query ($a: Int, $b: Int) { x: echo(n: $a) y: echo(n: $b) }");
  GraphQLErrors errors = Errors("query ($a: Int, $a: Int) { echo(n: $a) }");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message, "There can be only one variable named \"$a\".");
  // graphql-js points at the variables' names, not at their "$".
  EXPECT_EQ(errors[0].locations, (std::vector<Location>{{1, 9}, {1, 18}}));
  errors = Errors("query ($a: Int, $ a: Int) { echo(n: $a) }");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].locations, (std::vector<Location>{{1, 9}, {1, 19}}));
}

TEST_F(ValidationTest, NoUndefinedVariables) {
  ExpectValid("query Q($n: Int) { ...F } fragment F on Query { echo(n: $n) }");
  ExpectError("query Q { ...F }\nfragment F on Query { echo(n: $n) }",
              "Variable \"$n\" is not defined by operation \"Q\".", {{2, 31}, {1, 1}});
}

TEST_F(ValidationTest, NoUnusedVariables) {
  ExpectValid("query Q($n: Int) { echo(n: $n) }");
  ExpectError("query Q($n: Int) { hello }", "Variable \"$n\" is never used in operation \"Q\".",
              {{1, 9}});
}

TEST_F(ValidationTest, KnownDirectives) {
  ExpectValid("query Q($b: Boolean!) { hello @skip(if: $b) }");
  ExpectError("{ hello @nope }", "Unknown directive \"@nope\".", {{1, 9}});
  ExpectError("query @skip(if: true) { hello }", "Directive \"@skip\" may not be used on QUERY.",
              {{1, 7}});
}

TEST_F(ValidationTest, UniqueDirectivesPerLocation) {
  ExpectValid("{ hello @skip(if: false) @include(if: true) }");
  ExpectError("{ hello @skip(if: false) @skip(if: true) }",
              "The directive \"@skip\" can only be used once at this location.", {{1, 9}, {1, 26}});
}

TEST_F(ValidationTest, ValuesOfCorrectType) {
  ExpectValid("{ echo(s: \"x\", n: 1, list: [1, 2], input: {b: \"y\"}, status: LIVE) }");
  ExpectError("{ echo(n: \"1\") }", "Int cannot represent non-integer value: \"1\"", {{1, 11}});
  ExpectError("{ echo(n: 3000000000) }",
              "Int cannot represent non 32-bit signed integer value: 3000000000", {{1, 11}});
  ExpectError("{ echo(status: \"LIVE\") }",
              "Enum \"Status\" cannot represent non-enum value: \"LIVE\". Did you mean the enum "
              "value \"LIVE\"?",
              {{1, 16}});
  ExpectError("{ echo(list: [1, null]) }", "Expected value of type \"Int!\", found null.",
              {{1, 18}});
  ExpectError("{ echo(input: {a: 1}) }",
              "Field \"EchoInput.b\" of required type \"String!\" was not provided.", {{1, 15}});
  ExpectError("{ echo(input: {b: \"x\", c: 1}) }",
              "Field \"c\" is not defined by type \"EchoInput\". Did you mean \"a\" or \"b\"?",
              {{1, 24}});
  ExpectError("query ($n: Int = \"x\") { echo(n: $n) }",
              "Int cannot represent non-integer value: \"x\"", {{1, 18}});
  // The type named is the position's, wrappers included.
  ExpectError("{ echo(input: \"x\") }", "Expected value of type \"EchoInput\", found \"x\".",
              {{1, 15}});
  ExpectError("{ drops(first: 1) { related(first: 1) { id } } add: echo(input: 1) }",
              "Expected value of type \"EchoInput\", found 1.", {{1, 65}});
}

TEST_F(ValidationTest, ValuesOfCorrectType_NamesTheNonNullAndListTypeOfThePosition) {
  auto schema = Schema::FromSdl(R"(
    input In { a: Int }
    type Query { one(in: In!): Int many(in: [In!]): Int })");
  auto errors = [&](const std::string& query) { return Validate(*schema, *Parse(query).document); };
  GraphQLErrors e = errors("{ one(in: \"x\") }");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].message, "Expected value of type \"In!\", found \"x\".");
  e = errors("{ many(in: 1) }");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].message, "Expected value of type \"[In!]\", found 1.");
  e = errors("{ many(in: [1]) }");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].message, "Expected value of type \"In!\", found 1.");
}

// Found by fuzzing (tools/fuzz): a fragment spread twice inside its own subselections made the
// comparison of overlapping fields exponential (4^32 pairs); each pair is now compared once.
TEST_F(ValidationTest, OverlappingFields_SelfSpreadingFragments_StayCheap) {
  GraphQLErrors errors = Errors(
      "{ drops { ...F } }\n"
      "fragment F on Drop { related { ...F ...G } related { ...F ...G } }\n"
      "fragment G on Drop { related { ...G ...F } related { id ...F } }");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message, "Cannot spread fragment \"F\" within itself.");
}

TEST_F(ValidationTest, MaxIntrospectionDepth) {
  ExpectValid("{ __schema { types { fields { type { fields { name } } } } } }");
  ExpectValid("{ __type(name: \"Drop\") { interfaces { possibleTypes { name } } } }");
  ExpectError("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
              "Maximum introspection depth exceeded", {{1, 3}});
  // Through fragments, each spread many times: still one error, and linear work.
  std::string query = "{ __type(name: \"Drop\") { ...F0 } }\n";
  for (int i = 0; i < 40; ++i) {
    query += "fragment F" + std::to_string(i) + " on __Type { ofType { ...F" +
             std::to_string(i + 1) + " } a: ofType { ...F" + std::to_string(i + 1) + " } }\n";
  }
  query +=
      "fragment F40 on __Type { fields { type { inputFields { type { possibleTypes { name } } } } "
      "} }";
  ExpectError(query, "Maximum introspection depth exceeded", {{1, 3}});
}

TEST_F(ValidationTest, UniqueInputFieldNames) {
  ExpectValid("{ echo(input: {a: 1, b: \"x\"}) }");
  GraphQLErrors errors = Errors("{ echo(input: {b: \"x\", b: \"y\"}) }");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].message, "There can be only one input field named \"b\".");
  EXPECT_EQ(errors[0].locations, (std::vector<Location>{{1, 16}, {1, 24}}));
}

TEST_F(ValidationTest, VariablesInAllowedPosition) {
  ExpectValid("query ($id: ID!, $n: Int = 3) { drop(id: $id) { id } echo(list: [$n]) }");
  ExpectValid("query ($f: Int) { drops(first: $f) { id } }");
  ExpectError("query ($id: ID) { drop(id: $id) { id } }",
              "Variable \"$id\" of type \"ID\" used in position expecting type \"ID!\".",
              {{1, 8}, {1, 28}});
  ExpectError("query ($n: String) { echo(n: $n) }",
              "Variable \"$n\" of type \"String\" used in position expecting type \"Int\".",
              {{1, 8}, {1, 30}});
}

TEST_F(ValidationTest, OverlappingFieldsCanBeMerged) {
  ExpectValid("{ hello hello a: hello drop(id: 1) { id } drop(id: 1) { title } }");
  ExpectValid("{ node(id: 1) { ... on Drop { x: title } ... on User { x: name } } }");
  ExpectError("{ x: hello\n  x: version }",
              "Fields \"x\" conflict because \"hello\" and \"version\" are different fields. Use "
              "different aliases on the fields to fetch both if this was intentional.",
              {{1, 3}, {2, 3}});
  ExpectError("{ drops(first: 1) { id } drops(first: 2) { id } }",
              "Fields \"drops\" conflict because they have differing arguments. Use different "
              "aliases on the fields to fetch both if this was intentional.",
              {{1, 3}, {1, 26}});
  ExpectError("{ drop(id: 1) { x: id } drop(id: 1) { x: title } }",
              "Fields \"drop\" conflict because subfields \"x\" conflict because \"id\" and "
              "\"title\" are different fields. Use different aliases on the fields to fetch both "
              "if this was intentional.",
              {{1, 3}, {1, 17}, {1, 25}, {1, 39}});
}

TEST_F(ValidationTest, ErrorsComeInDocumentOrder) {
  GraphQLErrors errors = Errors("{ a drop { b } }\nfragment F on Query { c }");
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].message, "Cannot query field \"a\" on type \"Query\".");
  EXPECT_EQ(errors[1].message, "Cannot query field \"b\" on type \"Drop\".");
  EXPECT_EQ(errors[2].message,
            "Field \"drop\" argument \"id\" of type \"ID!\" is required, but it was not provided.");
  EXPECT_EQ(errors[3].message, "Cannot query field \"c\" on type \"Query\".");
  EXPECT_EQ(errors[4].message, "Fragment \"F\" is never used.");
}

}  // namespace
}  // namespace livedrop::graphql
