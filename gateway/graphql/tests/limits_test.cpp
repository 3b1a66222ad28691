#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "graphql/engine.h"
#include "graphql/tests/test_schema.h"

namespace livedrop::graphql {
namespace {
namespace json = boost::json;

json::object RunQuery(const std::string& query, QueryLimits limits, json::object variables = {}) {
  EngineOptions options;
  options.limits = limits;
  Engine engine(Schema::FromSdl(testing::kTestSdl), Resolvers{}, options);
  std::optional<json::object> response;
  Request request;
  request.query = query;
  request.variables = std::move(variables);
  engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
  EXPECT_TRUE(response);
  return response.value_or(json::object{});
}

// The first error's code when the request was rejected before execution, else "" (executed: the
// resolverless fields may still have failed, which is not what these tests look at).
std::string Code(const json::object& r) {
  if (r.contains("data")) return "";
  return std::string(r.at("errors").at(0).at("extensions").at("code").as_string());
}

bool HasCode(const json::object& r, const std::string& code) {
  if (!r.contains("errors")) return false;
  for (const json::value& e : r.at("errors").as_array()) {
    if (e.at("extensions").at("code") == json::value(code)) return true;
  }
  return false;
}

TEST(Limits, Depth_OverTheMaximumRejectedBeforeExecution) {
  QueryLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(Code(RunQuery("{ drop(id: 1) { creator { id } } }", limits)), "");
  json::object r = RunQuery("{ drop(id: 1) { creator { drops { id } } } }", limits);
  EXPECT_FALSE(r.contains("data"));
  EXPECT_EQ(Code(r), "QUERY_TOO_DEEP");
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Query depth 4 exceeds the maximum of 3."));
}

TEST(Limits, Depth_CountsThroughFragments) {
  QueryLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(
      Code(RunQuery("{ drop(id: 1) { ...C } } fragment C on Drop { creator { drops { id } } }",
                    limits)),
      "QUERY_TOO_DEEP");
}

TEST(Limits, Aliases_OverTheMaximumRejected) {
  QueryLimits limits;
  limits.max_aliases = 2;
  EXPECT_EQ(Code(RunQuery("{ a: hello b: hello }", limits)), "");
  EXPECT_EQ(Code(RunQuery("{ a: hello b: hello c: hello }", limits)), "TOO_MANY_ALIASES");
}

TEST(Limits, Cost_ListsMultiplyByFirstOrTheDefault) {
  QueryLimits limits;
  limits.max_cost = 100;
  limits.default_list_size = 10;
  // 1 + 9 * (1 + 1 + 1) = 28
  EXPECT_EQ(Code(RunQuery("{ drops(first: 9) { id creator { id } } }", limits)), "");
  // 1 + 50 * (1 + 1) = 101
  json::object r = RunQuery("{ drops(first: 50) { id title } }", limits);
  EXPECT_EQ(Code(r), "QUERY_TOO_COMPLEX");
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Query cost 101 exceeds the budget of 100."));
  // Lists without `first` count the default size: 1 + 10 * (1 + 10 * 1) = 111.
  EXPECT_EQ(Code(RunQuery("{ search { ... on User { drops { id } } } }", limits)),
            "QUERY_TOO_COMPLEX");
  limits.max_cost = 111;
  EXPECT_EQ(Code(RunQuery("{ search { ... on User { drops { id } } } }", limits)), "");
}

TEST(Limits, Cost_FirstFromAVariable) {
  QueryLimits limits;
  limits.max_cost = 100;
  std::string q = "query ($n: Int) { drops(first: $n) { id } }";
  EXPECT_EQ(Code(RunQuery(q, limits, json::object{{"n", 10}})), "");
  EXPECT_EQ(Code(RunQuery(q, limits, json::object{{"n", 1000}})), "QUERY_TOO_COMPLEX");
}

TEST(Limits, Cost_FragmentFanOutIsWeighedWithoutExpanding) {
  // Each level spreads the next twice: 2^30 fields if expanded, weighed in linear time.
  std::string doc = "{ ...F0 }\n";
  for (int i = 0; i < 30; ++i) {
    doc += "fragment F" + std::to_string(i) + " on Query { ...F" + std::to_string(i + 1) + " a" +
           std::to_string(i) + ": version ...F" + std::to_string(i + 1) + " }\n";
  }
  doc += "fragment F30 on Query { hello }\n";
  QueryLimits limits;
  limits.max_aliases = 1000;
  json::object r = RunQuery(doc, limits);
  EXPECT_FALSE(r.contains("data"));
  EXPECT_TRUE(HasCode(r, "QUERY_TOO_COMPLEX"));
  EXPECT_TRUE(HasCode(r, "TOO_MANY_ALIASES"));
}

TEST(Limits, Introspection_ExemptFromDepthAndCost) {
  QueryLimits limits;
  limits.max_depth = 3;
  limits.max_cost = 10;
  json::object r =
      RunQuery("{ __schema { types { fields { type { ofType { ofType { name } } } } } } }", limits);
  EXPECT_FALSE(r.contains("errors"));
}

TEST(Limits, ValidationFailure_HasItsCode) {
  json::object r = RunQuery("{ nope }", QueryLimits{});
  EXPECT_EQ(Code(r), "GRAPHQL_VALIDATION_FAILED");
  EXPECT_FALSE(r.contains("data"));
}

}  // namespace
}  // namespace livedrop::graphql
