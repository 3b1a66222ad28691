// GraphQL over HTTP at /graphql (routes/graphql_routes.cpp) through the real Gateway: the
// GraphQL-over-HTTP specification's methods, media types and status codes, the served schema
// and GraphiQL, the limits, and automatic persisted queries (graphql_api/document_cache).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "graphql_api/api.h"
#include "graphql_api/document_cache.h"
#include "route_harness.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;
using fakes::BodyOf;
using fakes::GraphQLErrorCodes;
using fakes::GraphQLGet;
using fakes::GraphQLPost;
using fakes::MakeRequest;
using fakes::RouteHarness;
using Codes = std::vector<std::string>;

constexpr char kGraphQLResponse[] = "application/graphql-response+json; charset=utf-8";
constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kDropsQuery[] = "{ drops { edges { cursor } } }";

std::string ContentTypeOf(const http::Response& response) {
  return response.headers.Get("Content-Type").value_or("");
}

http::Request Accepting(http::Request request, const std::string& accept) {
  request.headers.Set("Accept", accept);
  return request;
}

http::Request Post(const json::object& body) {
  return MakeRequest("POST", "/graphql", json::serialize(body));
}

json::object PersistedQuery(const std::string& hash) {
  return {{"persistedQuery", json::object{{"version", 1}, {"sha256Hash", hash}}}};
}

// --- methods and bodies ----------------------------------------------------------------------

TEST(GraphQLHttp, PostJson_Answers200ApplicationJson) {
  RouteHarness h;
  const auto response = h.Send(GraphQLPost(kDropsQuery));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ContentTypeOf(*response), kJson);
  EXPECT_TRUE(BodyOf(*response).at("data").at("drops").at("edges").as_array().empty());
  EXPECT_EQ(h.drops.list_drops.calls(), 1);
}

TEST(GraphQLHttp, PostWithVariablesAndOperationName_RunsThatOperation) {
  RouteHarness h;
  const auto response = h.Send(
      Post({{"query",
             "query A { drops { edges { cursor } } } query B($n: Int) { drops(first: $n) { edges { "
             "cursor } } }"},
            {"operationName", "B"},
            {"variables", json::object{{"n", 7}}}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(h.drops.list_drops.last().limit(), 7);
}

TEST(GraphQLHttp, GetQuery_Answers) {
  RouteHarness h;
  const auto response =
      h.Send(GraphQLGet("query($n: Int) { drops(first: $n) { edges { cursor } } }", R"({"n":3})"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(ContentTypeOf(*response), kJson);
  EXPECT_TRUE(BodyOf(*response).at("data").is_object());
  EXPECT_EQ(h.drops.list_drops.last().limit(), 3);
}

TEST(GraphQLHttp, GetMutation_Is405AllowPostWithoutCallingAService) {
  RouteHarness h;
  const auto response =
      h.SendAs("u-1", "buyer", GraphQLGet(R"(mutation { follow(creatorId: "c") { following } })"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(response->headers.Get("Allow").value_or(""), "POST");
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"METHOD_NOT_ALLOWED"});
  EXPECT_EQ(h.followers.follow.calls(), 0);
}

TEST(GraphQLHttp, GetMutationNamedAmongQueries_Is405) {
  RouteHarness h;
  auto request =
      MakeRequest("GET",
                  "/graphql?query=query%20Q%20%7B%20__typename%20%7D%20mutation%20M%20%7B%20logout("
                  "refreshToken%3A%20%22r%22)%20%7D&operationName=M");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(h.auth.logout.calls(), 0);
}

TEST(GraphQLHttp, PostSubscription_IsARequestErrorPointingAtWebSocket) {
  RouteHarness h;
  const auto response =
      h.Send(Accepting(GraphQLPost(R"(subscription { dropEvents(creatorId: "c") { id } })"),
                       "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"SUBSCRIPTION_OVER_HTTP"});
}

TEST(GraphQLHttp, BodyNotJson_Is400) {
  RouteHarness h;
  auto request = MakeRequest("POST", "/graphql", "{\"query\": ");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"BAD_REQUEST"});
}

TEST(GraphQLHttp, BodyNotAnObject_Is400) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("POST", "/graphql", R"(["{ __typename }"])"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

TEST(GraphQLHttp, WrongContentType_Is415) {
  RouteHarness h;
  auto request = GraphQLPost(kDropsQuery);
  request.headers.Set("Content-Type", "text/plain");
  const auto response = h.Send(std::move(request));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 415);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"UNSUPPORTED_MEDIA_TYPE"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLHttp, VariablesNotAMap_Is400) {
  RouteHarness h;
  for (const json::value& variables : {json::value(json::array{1, 2}), json::value(5)}) {
    const auto response = h.Send(Post({{"query", kDropsQuery}, {"variables", variables}}));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << json::serialize(variables);
    EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"BAD_REQUEST"});
  }
  const auto over_get = h.Send(GraphQLGet(kDropsQuery, "[1]"));
  ASSERT_TRUE(over_get);
  EXPECT_EQ(over_get->status, 400);
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLHttp, QueryNotAString_Is400) {
  RouteHarness h;
  const auto response = h.Send(Post({{"query", 5}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

TEST(GraphQLHttp, NoQuery_Is400) {
  RouteHarness h;
  const auto response = h.Send(Post({{"variables", json::object{}}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

TEST(GraphQLHttp, UnknownOperationName_IsAnOperationResolutionError) {
  RouteHarness h;
  const auto response =
      h.Send(Accepting(Post({{"query", "query A { __typename }"}, {"operationName", "Nope"}}),
                       "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  const auto body = BodyOf(*response);
  EXPECT_FALSE(body.contains("data"));
  EXPECT_EQ(GraphQLErrorCodes(body), Codes{"OPERATION_RESOLUTION_FAILURE"});
}

TEST(GraphQLHttp, WrongVariableType_IsBadUserInputBeforeAnyCall) {
  RouteHarness h;
  const auto response =
      h.Send(Accepting(Post({{"query", "query($n: Int) { drops(first: $n) { edges { cursor } } }"},
                             {"variables", json::object{{"n", "many"}}}}),
                       "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"BAD_USER_INPUT"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

// --- media types -----------------------------------------------------------------------------

TEST(GraphQLHttp, AcceptGraphQLResponse_ThatContentTypeAnd400ForParseAndValidationErrors) {
  RouteHarness h;
  for (const auto& [query, code] : {std::pair{"{ drops { ", "GRAPHQL_PARSE_FAILED"},
                                    std::pair{"{ drops { nope } }", "GRAPHQL_VALIDATION_FAILED"}}) {
    const auto response =
        h.Send(Accepting(GraphQLPost(query), "application/graphql-response+json"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 400) << query;
    EXPECT_EQ(ContentTypeOf(*response), kGraphQLResponse);
    const auto body = BodyOf(*response);
    EXPECT_FALSE(body.contains("data"));
    EXPECT_EQ(GraphQLErrorCodes(body), Codes{code});
    EXPECT_TRUE(body.at("errors").at(0).as_object().contains("locations")) << query;
  }
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLHttp, AcceptGraphQLResponse_SuccessIs200InThatContentType) {
  RouteHarness h;
  const auto response = h.Send(
      Accepting(GraphQLPost(kDropsQuery), "application/graphql-response+json, application/json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ContentTypeOf(*response), kGraphQLResponse);
}

TEST(GraphQLHttp, AcceptGraphQLResponse_FieldErrorIsStill200WithData) {
  RouteHarness h;
  const auto response =
      h.Send(Accepting(GraphQLPost("{ me { id } }"), "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(BodyOf(*response).contains("data"));
}

TEST(GraphQLHttp, AcceptJson_200ForTheSameParseAndValidationErrors) {
  RouteHarness h;
  for (const char* query : {"{ drops { ", "{ drops { nope } }"}) {
    const auto response = h.Send(Accepting(GraphQLPost(query), "application/json"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << query;
    EXPECT_EQ(ContentTypeOf(*response), kJson);
    EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)).size(), 1u);
  }
}

TEST(GraphQLHttp, AcceptNeitherMediaType_Is406) {
  RouteHarness h;
  const auto response = h.Send(Accepting(GraphQLPost(kDropsQuery), "text/csv"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 406);
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

// --- schema and GraphiQL ---------------------------------------------------------------------

TEST(GraphQLHttp, SchemaSdl_IsServedAsKeptInTheRepo) {
  RouteHarness h;
  const auto response = h.Send(MakeRequest("GET", "/graphql/schema.graphql"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ContentTypeOf(*response).rfind("text/plain", 0), 0u);
  EXPECT_EQ(response->body, ApiSchemaSdl());
  EXPECT_NE(response->body.find("type Query {"), std::string::npos);
  EXPECT_NE(response->body.find("placeOrder(input: PlaceOrderInput!, idempotencyKey: String!)"),
            std::string::npos);
}

TEST(GraphQLHttp, GetWithAcceptHtml_IsGraphiQLPageFromItsOwnAssets) {
  RouteHarness h;
  const auto response =
      h.Send(Accepting(MakeRequest("GET", "/graphql"), "text/html,application/xhtml+xml,*/*"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ContentTypeOf(*response).rfind("text/html", 0), 0u);
  EXPECT_NE(response->body.find("/graphql/assets/graphiql.min.js"), std::string::npos);
  EXPECT_EQ(response->body.find("https://"), std::string::npos);  // no CDN
}

TEST(GraphQLHttp, GraphiQLAssets_AreServedNonEmptyWithTheirContentTypes) {
  RouteHarness h;
  for (const char* name :
       {"graphiql.min.js", "react.production.min.js", "react-dom.production.min.js"}) {
    const auto response = h.Send(MakeRequest("GET", std::string("/graphql/assets/") + name));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << name;
    EXPECT_GT(response->body.size(), 1000u) << name;
    EXPECT_NE(ContentTypeOf(*response).find("javascript"), std::string::npos) << name;
  }
  const auto css = h.Send(MakeRequest("GET", "/graphql/assets/graphiql.min.css"));
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(ContentTypeOf(*css).rfind("text/css", 0), 0u);
  const auto unknown = h.Send(MakeRequest("GET", "/graphql/assets/secrets.txt"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST(GraphQLHttp, GetWithAcceptHtmlAndAQuery_RunsTheQuery) {
  RouteHarness h;
  const auto response = h.Send(Accepting(GraphQLGet(kDropsQuery), "text/html, application/json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(ContentTypeOf(*response), kJson);
  EXPECT_EQ(h.drops.list_drops.calls(), 1);
}

// --- limits ----------------------------------------------------------------------------------

TEST(GraphQLLimits, OverDeepQuery_QueryTooDeepBeforeAnyServiceIsCalled) {
  // The schema's deepest path is within the default 12, so the gateway's option is lowered as
  // an operator would (--graphql-max-depth).
  RouteHarness::Options options;
  options.graphql_max_depth = 5;
  RouteHarness h(options);
  const auto response = h.SendAs(
      "u-1", "buyer",
      Accepting(
          GraphQLPost("{ myOrders { edges { node { drop { product { creator { id } } } } } } }"),
          "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"QUERY_TOO_DEEP"});
  EXPECT_EQ(h.orders.list_orders.calls(), 0);
  EXPECT_EQ(h.drops.get_drops.calls(), 0);
}

TEST(GraphQLLimits, DeepestPathOfTheSchema_IsWithinTheDefaultDepth) {
  RouteHarness h;
  const auto response =
      h.SendAs("u-1", "buyer",
               GraphQLPost("{ myOrders(first: 5) { edges { node { drop { product { creator { "
                           "followers(first: 5) { edges { node { userId } } } } } } } } } }"));
  ASSERT_TRUE(response);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{}) << response->body;
}

TEST(GraphQLLimits, NestedListsOverBudget_QueryTooComplexBeforeAnyServiceIsCalled) {
  RouteHarness h;
  const auto response = h.Send(Accepting(
      GraphQLPost("{ drops(first: 200) { edges { node { id creator { followers(first: 200) { "
                  "edges { node { userId } } } } } } } }"),
      "application/graphql-response+json"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"QUERY_TOO_COMPLEX"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
  EXPECT_EQ(h.auth.get_users.calls(), 0);
  EXPECT_EQ(h.followers.list_followers.calls(), 0);
}

// A list field without `first` weighs the argument's default in the schema (first: Int = 50),
// not the engine's default_list_size: this query fans out to 50 creators' 50 followers each,
// as the explicit one refused above does, and is refused alike.
TEST(GraphQLLimits, FirstOmitted_CountsTheSchemasDefaultOf50) {
  RouteHarness h;
  const auto explicit_first = h.Send(
      GraphQLPost("{ drops(first: 50) { edges { node { creator { followers(first: 50) { edges { "
                  "node { userId } } } } } } } }"));
  ASSERT_TRUE(explicit_first);
  ASSERT_EQ(GraphQLErrorCodes(BodyOf(*explicit_first)), Codes{"QUERY_TOO_COMPLEX"});
  const auto defaulted = h.Send(GraphQLPost(
      "{ drops { edges { node { creator { followers { edges { node { userId } } } } } } } }"));
  ASSERT_TRUE(defaulted);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*defaulted)), Codes{"QUERY_TOO_COMPLEX"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLLimits, ListSizeFromAVariable_CountsToo) {
  RouteHarness h;
  const auto response = h.Send(
      Post({{"query",
             "query($n: Int) { drops(first: $n) { edges { node { creator { followers(first: $n) { "
             "edges { node { userId } } } } } } } }"},
            {"variables", json::object{{"n", 200}}}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"QUERY_TOO_COMPLEX"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
}

TEST(GraphQLLimits, TooManyAliases_Refused) {
  RouteHarness h;
  std::string query = "{";
  for (int i = 0; i < 31; ++i) query += " a" + std::to_string(i) + ": __typename";
  query += " }";
  const auto response = h.Send(GraphQLPost(query));
  ASSERT_TRUE(response);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"TOO_MANY_ALIASES"});
}

// --- automatic persisted queries ---------------------------------------------------------------

TEST(GraphQLPersistedQuery, UnknownHashAlone_PersistedQueryNotFound) {
  RouteHarness h;
  const auto response =
      h.Send(Post({{"extensions", PersistedQuery(DocumentCache::Sha256Hex("{ __typename }"))}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"PERSISTED_QUERY_NOT_FOUND"});
  EXPECT_FALSE(BodyOf(*response).contains("data"));
}

TEST(GraphQLPersistedQuery, QueryWithItsHash_ThenTheHashAlone_BothAnswered) {
  RouteHarness h;
  const std::string hash = DocumentCache::Sha256Hex(kDropsQuery);
  const auto first = h.Send(Post({{"query", kDropsQuery}, {"extensions", PersistedQuery(hash)}}));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*first)), Codes{});
  EXPECT_EQ(h.drops.list_drops.calls(), 1);

  const auto second = h.Send(Post({{"extensions", PersistedQuery(hash)}}));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*second)), Codes{}) << second->body;
  EXPECT_TRUE(BodyOf(*second).at("data").at("drops").is_object());
  EXPECT_EQ(h.drops.list_drops.calls(), 2);  // run again, not a cached answer
}

TEST(GraphQLPersistedQuery, HashAloneOverGet_AnsweredAsApolloSendsIt) {
  RouteHarness h;
  const std::string hash = DocumentCache::Sha256Hex(kDropsQuery);
  ASSERT_TRUE(h.Send(Post({{"query", kDropsQuery}, {"extensions", PersistedQuery(hash)}})));
  const auto response = h.Send(MakeRequest(
      "GET",
      "/graphql?extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash"
      "%22%3A%22" +
          hash + "%22%7D%7D"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{});
  EXPECT_EQ(h.drops.list_drops.calls(), 2);
}

TEST(GraphQLPersistedQuery, QueryWithAnotherQuerysHash_HashMismatchAndNothingRuns) {
  RouteHarness h;
  const auto response =
      h.Send(Post({{"query", kDropsQuery},
                   {"extensions", PersistedQuery(DocumentCache::Sha256Hex("{ __typename }"))}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*response)), Codes{"PERSISTED_QUERY_HASH_MISMATCH"});
  EXPECT_EQ(h.drops.list_drops.calls(), 0);
  // Nor did the wrong hash become a name for the query.
  const auto later =
      h.Send(Post({{"extensions", PersistedQuery(DocumentCache::Sha256Hex("{ __typename }"))}}));
  ASSERT_TRUE(later);
  EXPECT_EQ(GraphQLErrorCodes(BodyOf(*later)), Codes{"PERSISTED_QUERY_NOT_FOUND"});
}

TEST(GraphQLPersistedQuery, HashNotSha256Hex_Is400) {
  RouteHarness h;
  const auto response = h.Send(Post({{"extensions", PersistedQuery("abc")}}));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
}

TEST(GraphQLPersistedQuery, MutationByHashOverGet_Is405) {
  RouteHarness h;
  const std::string mutation = R"(mutation { logout(refreshToken: "r") })";
  const std::string hash = DocumentCache::Sha256Hex(mutation);
  ASSERT_TRUE(h.Send(Post({{"query", mutation}, {"extensions", PersistedQuery(hash)}})));
  const int logouts = h.auth.logout.calls();
  const auto response = h.Send(MakeRequest(
      "GET",
      "/graphql?extensions=%7B%22persistedQuery%22%3A%7B%22version%22%3A1%2C%22sha256Hash"
      "%22%3A%22" +
          hash + "%22%7D%7D"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 405);
  EXPECT_EQ(h.auth.logout.calls(), logouts);
}

}  // namespace
}  // namespace livedrop::gateway
