#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "graphql/engine.h"
#include "graphql/tests/test_schema.h"

namespace livedrop::graphql {
namespace {
namespace json = boost::json;

// The shape of graphql-js's getIntrospectionQuery() with every option on.
constexpr char kIntrospectionQuery[] = R"(
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}
)";

class IntrospectionTest : public ::testing::Test {
 protected:
  json::object Run(const std::string& query) {
    Engine engine(Schema::FromSdl(testing::kTestSdl), Resolvers{});
    std::optional<json::object> response;
    Request request;
    request.query = query;
    engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
    EXPECT_TRUE(response);
    return response.value_or(json::object{});
  }

  static const json::object* Find(const json::value& list, const std::string& name) {
    for (const json::value& v : list.as_array()) {
      if (v.at("name") == json::value(name)) return &v.as_object();
    }
    return nullptr;
  }
};

TEST_F(IntrospectionTest, StandardQuery_DescribesTheWholeSchema) {
  json::object r = Run(kIntrospectionQuery);
  ASSERT_FALSE(r.contains("errors")) << json::serialize(r.at("errors"));
  const json::value& schema = r.at("data").at("__schema");
  EXPECT_EQ(schema.at("queryType").at("name"), json::value("Query"));
  EXPECT_EQ(schema.at("mutationType").at("name"), json::value("Mutation"));
  EXPECT_EQ(schema.at("subscriptionType").at("name"), json::value("Subscription"));
  const json::value& types = schema.at("types");
  for (const char* name : {"Query", "Drop", "User", "Node", "SearchResult", "Status", "EchoInput",
                           "String", "Boolean", "__Schema", "__Type", "__TypeKind", "__Field",
                           "__InputValue", "__EnumValue", "__Directive", "__DirectiveLocation"}) {
    EXPECT_TRUE(Find(types, name)) << name;
  }
  const json::object* query = Find(types, "Query");
  ASSERT_TRUE(query);
  const json::object* drops = Find(query->at("fields"), "drops");
  ASSERT_TRUE(drops);
  // [Drop!]!
  EXPECT_EQ(
      json::serialize(drops->at("type")),
      R"({"kind":"NON_NULL","name":null,"ofType":{"kind":"LIST","name":null,"ofType":)"
      R"({"kind":"NON_NULL","name":null,"ofType":{"kind":"OBJECT","name":"Drop","ofType":null}}}})");
  const json::object* first = Find(drops->at("args"), "first");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->at("defaultValue"), json::value("10"));
  const json::object* drop = Find(types, "Drop");
  EXPECT_EQ(drop->at("kind"), json::value("OBJECT"));
  EXPECT_EQ(drop->at("interfaces").at(0).at("name"), json::value("Node"));
  EXPECT_TRUE(drop->at("possibleTypes").is_null());
  const json::object* node = Find(types, "Node");
  EXPECT_EQ(node->at("kind"), json::value("INTERFACE"));
  EXPECT_EQ(node->at("possibleTypes").as_array().size(), 2u);
  const json::object* status = Find(types, "Status");
  const json::object* old = Find(status->at("enumValues"), "OLD");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->at("isDeprecated"), json::value(true));
  EXPECT_EQ(old->at("deprecationReason"), json::value("Gone."));
  const json::object* input = Find(types, "EchoInput");
  EXPECT_EQ(input->at("kind"), json::value("INPUT_OBJECT"));
  EXPECT_EQ(Find(input->at("inputFields"), "a")->at("defaultValue"), json::value("5"));
  EXPECT_TRUE(input->at("fields").is_null());
  const json::object* skip = Find(schema.at("directives"), "skip");
  ASSERT_TRUE(skip);
  EXPECT_EQ(skip->at("isRepeatable"), json::value(false));
  EXPECT_EQ(skip->at("locations"), json::parse(R"(["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"])"));
  const json::object* deprecated = Find(schema.at("directives"), "deprecated");
  EXPECT_EQ(Find(deprecated->at("args"), "reason")->at("defaultValue"),
            json::value("\"No longer supported\""));
}

TEST_F(IntrospectionTest, DeprecatedEntries_HiddenUnlessAsked) {
  json::object r = Run(R"({ __type(name: "Status") {
      enumValues { name } all: enumValues(includeDeprecated: true) { name } } })");
  EXPECT_EQ(json::serialize(r.at("data")),
            R"({"__type":{"enumValues":[{"name":"LIVE"},{"name":"ENDED"}],)"
            R"("all":[{"name":"LIVE"},{"name":"ENDED"},{"name":"OLD"}]}})");
}

TEST_F(IntrospectionTest, TypeByName_NullWhenUnknown) {
  json::object r =
      Run(R"({ a: __type(name: "Drop") { kind name } b: __type(name: "Nope") { name } })");
  EXPECT_EQ(json::serialize(r.at("data")), R"({"a":{"kind":"OBJECT","name":"Drop"},"b":null})");
}

TEST_F(IntrospectionTest, SpecifiedByUrlAndRepeatable_Reported) {
  Engine engine(Schema::FromSdl(R"(scalar Time @specifiedBy(url: "https://example.com/time")
      directive @tag(name: String!) repeatable on FIELD_DEFINITION
      type Query { now: Time @tag(name: "a") @tag(name: "b") })"),
                Resolvers{});
  std::optional<json::object> r;
  Request request;
  request.query = R"({ __type(name: "Time") { specifiedByURL }
                       __schema { directives { name isRepeatable } } })";
  engine.Execute(std::move(request), [&](json::object x) { r = std::move(x); });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("data").at("__type").at("specifiedByURL"),
            json::value("https://example.com/time"));
  EXPECT_EQ(r->at("data").at("__schema").at("directives").at(0),
            json::parse(R"({"name":"tag","isRepeatable":true})"));
}

}  // namespace
}  // namespace livedrop::graphql
