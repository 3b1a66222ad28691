#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "graphql/engine.h"
#include "graphql/tests/test_schema.h"

namespace livedrop::graphql {
namespace {
namespace json = boost::json;

json::value Drop(int i) {
  return json::object{{"id", std::to_string(i)},
                      {"title", "Drop " + std::to_string(i)},
                      {"status", "LIVE"},
                      {"creatorId", "u" + std::to_string(i % 7)},
                      {"price", 9.5},
                      {"strict", "s"}};
}

class ExecutionTest : public ::testing::Test {
 protected:
  ExecutionTest() : schema_(Schema::FromSdl(testing::kTestSdl)) {}

  // Runs a request whose resolvers all answer synchronously.
  json::object Run(const std::string& query, json::object variables = {},
                   std::string operation = "") {
    Engine engine(schema_, resolvers_);
    std::optional<json::object> response;
    Request request;
    request.query = query;
    request.variables = std::move(variables);
    request.operation_name = std::move(operation);
    engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
    EXPECT_TRUE(response) << "the response did not arrive synchronously";
    return response.value_or(json::object{});
  }

  std::shared_ptr<const Schema> schema_;
  Resolvers resolvers_;
};

TEST_F(ExecutionTest, DefaultResolver_ReadsPropertiesAliasesFragmentsTypename) {
  resolvers_.SyncField("Query", "drop", [](const FieldCall& call) {
    EXPECT_EQ(call.args().at("id"), json::value("7"));
    return Drop(7);
  });
  json::object r = Run(R"(
    query { d: drop(id: 7) { __typename id ...F ... on Drop { t2: title } ... { price } } }
    fragment F on Drop { title status })");
  EXPECT_EQ(json::serialize(r),
            R"({"data":{"d":{"__typename":"Drop","id":"7","title":"Drop 7","status":"LIVE",)"
            R"("t2":"Drop 7","price":9.5E0}}})");
}

TEST_F(ExecutionTest, SkipAndInclude_FollowLiteralsAndVariables) {
  resolvers_.SyncField("Query", "drop", [](const FieldCall&) { return Drop(1); });
  json::object r = Run(R"(query ($no: Boolean!) { drop(id: 1) {
      id @skip(if: true) title @include(if: $no) status @skip(if: $no)
      ... on Drop @include(if: false) { price } } })",
                       json::object{{"no", false}});
  EXPECT_EQ(json::serialize(r), R"({"data":{"drop":{"status":"LIVE"}}})");
}

TEST_F(ExecutionTest, Arguments_CoercedWithDefaultsAndVariables) {
  resolvers_.SyncField("Query", "echo", [](const FieldCall& call) {
    return json::value(json::serialize(call.args()));
  });
  json::object r = Run(R"(query ($n: Int, $list: [Int!], $missing: Int) {
      a: echo(s: "x", n: $n, list: $list, input: {b: "y"}, status: LIVE)
      b: echo(list: 3, n: $missing) })",
                       json::object{{"n", 4}, {"list", json::array{1, 2}}});
  EXPECT_EQ(r.at("data").at("a"),
            json::value(R"({"s":"x","n":4,"list":[1,2],"input":{"a":5,"b":"y"},"status":"LIVE"})"));
  EXPECT_EQ(r.at("data").at("b"), json::value(R"({"list":[3]})"));
}

TEST_F(ExecutionTest, Variables_InvalidValuesAreRequestErrors) {
  json::object r = Run("query Q($n: Int!, $i: EchoInput) { echo(n: $n, input: $i) }",
                       json::object{{"i", json::object{{"a", "x"}, {"b", "y"}}}});
  EXPECT_FALSE(r.contains("data"));
  ASSERT_EQ(r.at("errors").as_array().size(), 2u);
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Variable \"$n\" of required type \"Int!\" was not provided."));
  EXPECT_EQ(r.at("errors").at(0).at("locations"), json::parse(R"([{"line":1,"column":9}])"));
  EXPECT_EQ(r.at("errors").at(0).at("extensions").at("code"), json::value("BAD_USER_INPUT"));
  EXPECT_EQ(r.at("errors").at(1).at("message"),
            json::value("Variable \"$i\" got invalid value \"x\" at \"i.a\"; Int cannot represent "
                        "non-integer value: \"x\""));
}

TEST_F(ExecutionTest, Variables_NullForNonNullAndUnknownEnum) {
  json::object r = Run("query Q($n: Int!) { echo(n: $n) }", json::object{{"n", nullptr}});
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Variable \"$n\" of non-null type \"Int!\" must not be null."));
  r = Run("query Q($s: Status) { echo(status: $s) }", json::object{{"s", "NOPE"}});
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Variable \"$s\" got invalid value \"NOPE\"; Value \"NOPE\" does not "
                        "exist in \"Status\" enum."));
}

TEST_F(ExecutionTest, ResolverError_PartialResultWithPathLocationAndCode) {
  resolvers_.Field("Query", "failing",
                   [](FieldCall call) { call.Fail(livedrop::NotFoundError("drop")); });
  resolvers_.SyncField("Query", "version", [](const FieldCall&) { return json::value(3); });
  json::object r = Run("{ version\n  failing }");
  EXPECT_EQ(r.at("data"), json::parse(R"({"version":3,"failing":null})"));
  const json::value& e = r.at("errors").at(0);
  EXPECT_EQ(e.at("path"), json::parse(R"(["failing"])"));
  EXPECT_EQ(e.at("locations"), json::parse(R"([{"line":2,"column":3}])"));
  EXPECT_EQ(e.at("extensions").at("code"), json::value("not_found"));
}

TEST_F(ExecutionTest, ThrownErrors_BecomeFieldErrors) {
  resolvers_.SyncField("Query", "failing", [](const FieldCall&) -> json::value {
    throw livedrop::PermissionDeniedError("not yours");
  });
  resolvers_.SyncField("Query", "hello", [](const FieldCall&) -> json::value {
    throw std::runtime_error("db down");
  });
  json::object r = Run("{ failing hello }");
  EXPECT_EQ(r.at("data"), json::parse(R"({"failing":null,"hello":null})"));
  EXPECT_EQ(r.at("errors").at(0).at("message"), json::value("not yours"));
  // Internal details never reach the client.
  EXPECT_EQ(r.at("errors").at(1).at("message"), json::value("Internal server error"));
  EXPECT_EQ(r.at("errors").at(1).at("extensions").at("code"), json::value("INTERNAL_SERVER_ERROR"));
}

TEST_F(ExecutionTest, NullInNonNullField_BubblesToNearestNullableParent) {
  resolvers_.SyncField("Query", "drop", [](const FieldCall&) {
    json::value d = Drop(1);
    d.as_object()["strict"] = nullptr;
    return d;
  });
  resolvers_.SyncField("Query", "version", [](const FieldCall&) { return json::value(1); });
  json::object r = Run("{ version drop(id: 1) { id strict } }");
  EXPECT_EQ(r.at("data"), json::parse(R"({"version":1,"drop":null})"));
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Cannot return null for non-nullable field Drop.strict."));
  EXPECT_EQ(r.at("errors").at(0).at("path"), json::parse(R"(["drop","strict"])"));
}

TEST_F(ExecutionTest, NullInNonNullListItem_NullsTheWholeDataWhenNothingIsNullable) {
  resolvers_.SyncField("Query", "drops", [](const FieldCall&) {
    json::array drops{Drop(1), Drop(2)};
    drops[1].as_object()["strict"] = nullptr;
    return drops;
  });
  json::object r = Run("{ drops { id strict } }");
  EXPECT_TRUE(r.at("data").is_null());
  EXPECT_EQ(r.at("errors").at(0).at("path"), json::parse(R"(["drops",1,"strict"])"));
}

TEST_F(ExecutionTest, NullableListItems_OnlyTheItemBecomesNull) {
  resolvers_.SyncField("Query", "drop", [](const FieldCall&) {
    json::value d = Drop(1);
    d.as_object()["tags"] = json::array{"a", json::object{}, "c"};
    return d;
  });
  json::object r = Run("{ drop(id: 1) { tags } }");
  EXPECT_EQ(r.at("data"), json::parse(R"({"drop":{"tags":["a",null,"c"]}})"));
  EXPECT_EQ(r.at("errors").at(0).at("path"), json::parse(R"(["drop","tags",1])"));
}

TEST_F(ExecutionTest, ResultCoercion_EnumsAndScalars) {
  resolvers_.SyncField("Query", "drop", [](const FieldCall&) {
    json::value d = Drop(1);
    d.as_object()["status"] = "BOGUS";
    d.as_object()["id"] = 12;
    d.as_object()["price"] = 3;
    return d;
  });
  json::object r = Run("{ drop(id: 1) { id price status } }");
  EXPECT_EQ(r.at("data").at("drop").at("id"), json::value("12"));
  EXPECT_EQ(r.at("data").at("drop").at("price"), json::value(3.0));
  EXPECT_TRUE(r.at("data").at("drop").at("status").is_null());
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Enum \"Status\" cannot represent value: \"BOGUS\""));
}

TEST_F(ExecutionTest, AbstractTypes_ResolvedByTypenameOrTypeResolver) {
  resolvers_.SyncField("Query", "search", [](const FieldCall&) {
    json::value d = Drop(1);
    d.as_object()["__typename"] = "Drop";
    return json::array{d, json::object{{"__typename", "User"}, {"id", "u1"}, {"name", "Ann"}}};
  });
  resolvers_.SyncField("Query", "node", [](const FieldCall& call) {
    return json::object{{"id", call.args().at("id")}, {"name", "Bo"}};
  });
  resolvers_.Type("Node", [](const json::value& v) {
    return v.as_object().contains("name") ? "User" : "Drop";
  });
  json::object r = Run(R"({ search { __typename ... on Drop { title } ... on User { name } }
                            node(id: "u2") { __typename id ... on User { name } } })");
  EXPECT_EQ(
      json::serialize(r.at("data")),
      R"({"search":[{"__typename":"Drop","title":"Drop 1"},{"__typename":"User","name":"Ann"}],)"
      R"("node":{"__typename":"User","id":"u2","name":"Bo"}})");
}

TEST_F(ExecutionTest, AbstractType_UnresolvableIsAFieldError) {
  resolvers_.SyncField("Query", "node", [](const FieldCall&) { return json::object{{"id", "1"}}; });
  json::object r = Run("{ node(id: 1) { id } }");
  EXPECT_TRUE(r.at("data").at("node").is_null());
  EXPECT_NE(std::string(r.at("errors").at(0).at("message").as_string())
                .find("Abstract type \"Node\" must resolve to an Object type at runtime"),
            std::string::npos);
}

TEST_F(ExecutionTest, OperationSelection_ByNameAndErrors) {
  resolvers_.SyncField("Query", "version", [](const FieldCall&) { return json::value(2); });
  std::string doc = "query A { version } query B { hello }";
  EXPECT_EQ(Run(doc, {}, "A").at("data"), json::parse(R"({"version":2})"));
  EXPECT_EQ(Run(doc).at("errors").at(0).at("message"),
            json::value("Must provide operation name if query contains multiple operations."));
  EXPECT_EQ(Run(doc, {}, "C").at("errors").at(0).at("message"),
            json::value("Unknown operation named \"C\"."));
}

TEST_F(ExecutionTest, ParseError_IsARequestErrorWithCode) {
  json::object r = Run("{ drop(id: 1) { id }");
  EXPECT_FALSE(r.contains("data"));
  EXPECT_EQ(r.at("errors").at(0).at("message"),
            json::value("Syntax Error: Expected Name, found <EOF>."));
  EXPECT_EQ(r.at("errors").at(0).at("extensions").at("code"), json::value("GRAPHQL_PARSE_FAILED"));
}

TEST_F(ExecutionTest, Mutation_RootFieldsRunOneAfterAnother) {
  std::vector<FieldCall> calls;
  std::vector<std::string> log;
  resolvers_.Field("Mutation", "add", [&](FieldCall call) {
    log.push_back("start " + std::to_string(call.args().at("n").as_int64()));
    calls.push_back(call);
  });
  Engine engine(schema_, resolvers_);
  std::optional<json::object> response;
  Request request;
  request.query = "mutation { a: add(n: 1) b: add(n: 2) }";
  engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
  ASSERT_EQ(calls.size(), 1u);  // the second waits for the first
  calls[0].Resolve(json::value(10));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_FALSE(response);
  calls[1].Resolve(json::value(20));
  ASSERT_TRUE(response);
  EXPECT_EQ(log, (std::vector<std::string>{"start 1", "start 2"}));
  EXPECT_EQ(response->at("data"), json::parse(R"({"a":10,"b":20})"));
}

TEST_F(ExecutionTest, AsyncResolvers_AnswerFromOtherThreadsWithoutBlocking) {
  std::vector<std::thread> threads;
  std::mutex mu;
  resolvers_.Field("Query", "drops", [&](FieldCall call) {
    std::lock_guard lock(mu);
    threads.emplace_back([call] { call.Resolve(json::array{Drop(1), Drop(2), Drop(3)}); });
  });
  resolvers_.Field("Drop", "creator", [&](FieldCall call) {
    std::lock_guard lock(mu);
    threads.emplace_back([call] {
      call.Resolve(json::object{{"id", call.parent().at("creatorId")}, {"name", "n"}});
    });
  });
  Engine engine(schema_, resolvers_);
  std::promise<json::object> response;
  Request request;
  request.query = "{ drops { id creator { id } } }";
  engine.Execute(std::move(request), [&](json::object r) { response.set_value(std::move(r)); });
  auto future = response.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  json::object r = future.get();
  {
    std::lock_guard lock(mu);
    for (std::thread& t : threads) t.join();
  }
  EXPECT_EQ(json::serialize(r.at("data")),
            R"({"drops":[{"id":"1","creator":{"id":"u1"}},{"id":"2","creator":{"id":"u2"}},)"
            R"({"id":"3","creator":{"id":"u3"}}]})");
}

TEST_F(ExecutionTest, Batching_FiftyParentsAreOneBatchCallWithFiftyKeys) {
  std::vector<std::vector<std::string>> batches;
  resolvers_.SyncField("Query", "drops", [](const FieldCall&) {
    json::array drops;
    for (int i = 0; i < 50; ++i) {
      json::value d = Drop(i);
      d.as_object()["creatorId"] = "u" + std::to_string(i);
      drops.push_back(d);
    }
    return drops;
  });
  resolvers_.Field("Drop", "creator",
                   [](FieldCall call) { call.Load("users", call.parent().at("creatorId")); });
  std::vector<BatchCall> pending;
  resolvers_.Loader("users", [&](BatchCall batch) {
    std::vector<std::string> keys;
    for (const json::value& k : batch.keys()) keys.emplace_back(k.as_string());
    batches.push_back(keys);
    pending.push_back(batch);  // answered later, as a backend call would be
  });
  Engine engine(schema_, resolvers_);
  std::optional<json::object> response;
  Request request;
  request.query = "{ drops(first: 50) { id creator { id name } } }";
  engine.Execute(std::move(request), [&](json::object r) { response = std::move(r); });
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].size(), 50u);
  EXPECT_EQ(batches[0][0], "u0");
  EXPECT_EQ(batches[0][49], "u49");
  EXPECT_FALSE(response);
  std::vector<Outcome> outcomes;
  for (const std::string& key : batches[0]) {
    if (key == "u13") {
      outcomes.push_back(Outcome::Failure("user is gone", "not_found"));
    } else {
      outcomes.push_back(Outcome::Value(json::object{{"id", key}, {"name", "name of " + key}}));
    }
  }
  pending[0].Resolve(std::move(outcomes));
  ASSERT_TRUE(response);
  const json::array& drops = response->at("data").at("drops").as_array();
  ASSERT_EQ(drops.size(), 50u);
  EXPECT_EQ(drops[7].at("creator"), json::parse(R"({"id":"u7","name":"name of u7"})"));
  EXPECT_EQ(drops[49].at("creator").at("id"), json::value("u49"));
  EXPECT_TRUE(drops[13].at("creator").is_null());
  ASSERT_EQ(response->at("errors").as_array().size(), 1u);
  EXPECT_EQ(response->at("errors").at(0).at("message"), json::value("user is gone"));
  EXPECT_EQ(response->at("errors").at(0).at("path"), json::parse(R"(["drops",13,"creator"])"));
  EXPECT_EQ(response->at("errors").at(0).at("extensions").at("code"), json::value("not_found"));
}

TEST_F(ExecutionTest, Batching_RepeatedKeysAreAskedOnceAndLaterLevelsBatchAgain) {
  std::vector<size_t> batch_sizes;
  resolvers_.SyncField("Query", "drops", [](const FieldCall&) {
    json::array drops;
    for (int i = 0; i < 10; ++i) drops.push_back(Drop(i));  // creators u0..u6, repeating
    return drops;
  });
  resolvers_.Field("Drop", "creator",
                   [](FieldCall call) { call.Load("users", call.parent().at("creatorId")); });
  resolvers_.Field("User", "drops", [](FieldCall call) {
    call.Load("dropsByUser", call.parent().at("id"),
              [](const FieldCall& c, const Outcome& o) { c.Resolve(o); });
  });
  resolvers_.Loader("users", [&](BatchCall batch) {
    batch_sizes.push_back(batch.keys().size());
    std::vector<Outcome> out;
    for (const json::value& k : batch.keys())
      out.push_back(Outcome::Value(json::object{{"id", k}}));
    batch.Resolve(std::move(out));
  });
  resolvers_.Loader("dropsByUser", [&](BatchCall batch) {
    batch_sizes.push_back(batch.keys().size());
    batch.Resolve(std::vector<Outcome>(batch.keys().size(), Outcome::Value(json::array{})));
  });
  json::object r = Run("{ drops { creator { id drops { id } } } }");
  EXPECT_FALSE(r.contains("errors"));
  EXPECT_EQ(batch_sizes, (std::vector<size_t>{7, 7}));
  EXPECT_EQ(r.at("data").at("drops").at(8).at("creator").at("id"), json::value("u1"));
}

TEST_F(ExecutionTest, Batching_WholeBatchFailureFailsEveryKey) {
  resolvers_.SyncField("Query", "drops", [](const FieldCall&) {
    return json::array{Drop(1), Drop(2)};
  });
  resolvers_.Field("Drop", "creator",
                   [](FieldCall call) { call.Load("users", call.parent().at("creatorId")); });
  resolvers_.Loader("users", [](BatchCall batch) {
    batch.Fail(livedrop::Error(ErrorKind::kUnavailable, "unavailable", "users are down"));
  });
  json::object r = Run("{ drops { creator { id } } }");
  EXPECT_EQ(r.at("errors").as_array().size(), 2u);
  EXPECT_EQ(r.at("errors").at(1).at("extensions").at("code"), json::value("unavailable"));
}

TEST_F(ExecutionTest, Subscription_EventRunsTheSelectionSetAgainstThePayload) {
  Engine engine(schema_, resolvers_);
  auto prepared = engine.Prepare("subscription { dropEvents { dropId kind } }");
  ASSERT_TRUE(prepared->ok());
  std::optional<json::object> response;
  engine.ExecuteSubscriptionEvent(
      prepared, Request{}, json::object{{"dropEvents", {{"dropId", "d1"}, {"kind", "live"}}}},
      [&](json::object r) { response = std::move(r); });
  ASSERT_TRUE(response);
  EXPECT_EQ(response->at("data"), json::parse(R"({"dropEvents":{"dropId":"d1","kind":"live"}})"));
}

TEST_F(ExecutionTest, CheckOperation_RefusesBadVariablesAndOverLimitsWithoutRunning) {
  bool ran = false;
  resolvers_.SyncField("Subscription", "dropEvents", [&](const FieldCall&) {
    ran = true;
    return json::value();
  });
  EngineOptions options;
  options.limits.max_depth = 1;
  Engine engine(schema_, resolvers_, options);
  auto prepared = engine.Prepare(
      "subscription S($c: ID) { dropEvents(creatorId: $c) { dropId kind } }");
  ASSERT_TRUE(prepared->ok());
  Request request;
  request.variables = {{"c", json::object{{"not", "an id"}}}};
  GraphQLErrors errors = engine.CheckOperation(*prepared, request);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "BAD_USER_INPUT");
  EXPECT_NE(errors[0].message.find("Variable \"$c\" got invalid value"), std::string::npos)
      << errors[0].message;

  request.variables = {{"c", "creator-1"}};
  errors = engine.CheckOperation(*prepared, request);
  ASSERT_EQ(errors.size(), 1u) << "depth 2 is over the limit of 1";
  EXPECT_EQ(errors[0].code, "QUERY_TOO_DEEP");

  request.operation_name = "Other";
  errors = engine.CheckOperation(*prepared, request);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "Unknown operation named \"Other\".");

  Engine unlimited(schema_, resolvers_);
  request.operation_name = "S";
  EXPECT_TRUE(unlimited.CheckOperation(*prepared, request).empty());
  EXPECT_FALSE(ran) << "checking an operation runs none of its resolvers";
}

}  // namespace
}  // namespace livedrop::graphql
