// GraphQL end to end, on the real platform: the gateway's /graphql judged by the reference
// clients from npm (the graphql-http audit, a graphql-ws client, GraphiQL in headless Chromium,
// scripts in tools/graphql-check run with node) and, from C++, the GraphQL answers set against
// the REST ones.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <iostream>
#include <pqxx/pqxx>
#include <regex>
#include <thread>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/process.h"
#include "platform_test.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Where the scripts and the programs they need are (set by tests/e2e/CMakeLists.txt).
constexpr char kNode[] = LIVEDROP_NODE;
constexpr char kScripts[] = LIVEDROP_GRAPHQL_CHECK_DIR;
constexpr char kChromium[] = LIVEDROP_CHROMIUM;
constexpr char kArtifacts[] = LIVEDROP_E2E_ARTIFACTS_DIR;

// One run of a node script: its exit code (nullopt if it had to be killed) and its output.
struct NodeRun {
  std::optional<int> exit_code;
  std::string output;
};

// Runs tools/graphql-check/<script> with node; `while_running`, if given, is called once the
// script's output contains `marker` (or the script ended). The script is killed after `limit`.
NodeRun RunNode(const std::string& script, const std::vector<std::string>& args,
                std::chrono::seconds limit, const std::string& marker = "",
                const std::function<void()>& while_running = {}) {
  std::vector<std::string> argv{std::string(kScripts) + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  testing::Process node(kNode, argv);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  if (while_running) {
    testing::Eventually(
        [&] { return node.ReadLog().find(marker) != std::string::npos || !node.Running(); }, limit,
        20ms);
    if (node.Running()) while_running();
  }
  NodeRun run;
  testing::Eventually([&] { return !node.Running(); },
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()),
                      50ms);
  run.exit_code = node.ExitCode();
  if (!run.exit_code) node.Kill();
  run.output = node.ReadLog();
  std::cout << "--- node " << script << " ---\n" << run.output << "---\n";
  return run;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string CamelCase(const std::string& snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

// Every field of a REST view (snake_case) equals the GraphQL one of the same name in camelCase;
// enums are lower-case codes in REST and upper-case members in GraphQL.
void ExpectSameView(const json::object& rest, const json::object& graphql,
                    const std::string& where) {
  for (const auto& [key, value] : rest) {
    const auto name = CamelCase(std::string(key));
    const auto* mirrored = graphql.if_contains(name);
    if (mirrored == nullptr) {
      ADD_FAILURE() << where << "." << name << " missing from GraphQL";
      continue;
    }
    if (value.is_object() && mirrored->is_object()) {
      ExpectSameView(value.as_object(), mirrored->as_object(), where + "." + name);
    } else if (key == "status" && value.is_string() && mirrored->is_string()) {
      std::string upper(value.as_string());
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      EXPECT_EQ(upper, mirrored->as_string()) << where << ".status";
    } else {
      EXPECT_EQ(value, *mirrored) << where << "." << name;
    }
  }
}

class GraphQLE2E : public PlatformTest {
 protected:
  std::string GraphQLUrl() const {
    return "http://127.0.0.1:" + std::to_string(platform_->HttpPort()) + "/graphql";
  }
  // POST /graphql; the parsed answer (fails the test unless it is 200 JSON).
  json::object GraphQL(const std::string& query, const json::object& variables = {},
                       const std::string& bearer = "") const {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"},
                                               {"Accept", "application/graphql-response+json"}};
    if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
    const auto r = http().Request(
        "POST", "/graphql",
        json::serialize(json::object{{"query", query}, {"variables", variables}}), headers);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  // A drop of a new creator's, live, its stock already in inventory.
  std::string LiveDrop(int quantity, int limit) {
    const auto creator = RegisterAccount(http(), "creator");
    const auto product = NewProduct(http(), creator);
    const auto drop = NewDrop(http(), creator, product, 200ms, 10min, quantity, limit);
    AwaitDrop(http(), drop, "live", quantity);
    AwaitStock(drop);
    return drop;
  }
  // Stock comes from drop_scheduled through Kafka (a consumer that just joined its group may
  // take a moment).
  void AwaitStock(const std::string& drop) {
    const bool stocked = testing::Eventually(
        [&] {
          pqxx::connection conn(platform_->DatabaseUrl());
          pqxx::nontransaction tx(conn);
          return tx.exec1("SELECT count(*) FROM inventory.stock WHERE drop_id = " +
                          tx.quote(drop))[0]
                     .as<int>() > 0;
        },
        20s, 50ms);
    EXPECT_TRUE(stocked) << "no stock in inventory for drop " << drop;
  }
};

TEST_F(GraphQLE2E, GraphQLOverHttpAudit_EveryMustPasses) {
  const auto run = RunNode("audit.mjs", {"--url", GraphQLUrl()}, 60s);
  EXPECT_EQ(run.exit_code, 0) << "a MUST of the GraphQL-over-HTTP audit failed";
  std::smatch summary;
  ASSERT_TRUE(std::regex_search(run.output, summary,
                                std::regex(R"(AUDIT \d+ audits: MUST (\d+)/(\d+) passed)")))
      << "no summary line";
  EXPECT_EQ(summary[1], summary[2]) << "not every MUST passed";
  EXPECT_GT(std::stoi(summary[2]), 0);
}

TEST_F(GraphQLE2E, GraphQLWsClient_ReceivesDropEventsLive_AndNeedsAValidToken) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto product = NewProduct(http(), creator);
  const auto buyer = RegisterAccount(http());
  // dropEvents does not depend on following: an unfollow while subscribed changes nothing.
  const auto follow = [&](const char* method) {
    return http()
        .Request(method, "/v1/me/following/" + creator.id, "",
                 {{"Authorization", "Bearer " + buyer.access_token}})
        .status;
  };
  ASSERT_EQ(follow("PUT"), 200);
  constexpr int kStock = 2;
  std::string drop;
  const auto run = RunNode("subscription.mjs",
                           {"--url", GraphQLUrl(), "--creator", creator.id, "--token",
                            buyer.access_token, "--buy", std::to_string(kStock)},
                           60s, "READY", [&] {
                             // Subscribed: now the drop is scheduled, to start in 2 s, its
                             // stock in inventory before the script buys it.
                             EXPECT_EQ(follow("DELETE"), 204);
                             drop = NewDrop(http(), creator, product, 2s, 10min, kStock, kStock);
                             AwaitStock(drop);
                           });
  ASSERT_FALSE(drop.empty()) << "the script never got READY";
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(Has(run.output, "UNAUTHENTICATED ")) << "no token: no unauthenticated error";
  EXPECT_TRUE(Has(run.output, "FORBIDDEN 4403")) << "a bad token was not refused with 4403";
  EXPECT_TRUE(Has(run.output, "BAD_USER_INPUT ")) << "no $creatorId was not refused";
  EXPECT_TRUE(Has(run.output, "EVENT drop_started " + drop + "\n"));
  EXPECT_TRUE(Has(run.output, "EVENT sold_out " + drop + "\n"));
  EXPECT_TRUE(Has(run.output, "NOTIFICATION order_confirmed "));
  EXPECT_TRUE(Has(run.output, "\nPASS"));
}

TEST_F(GraphQLE2E, GraphiQL_InHeadlessChromium_IntrospectsRunsQueryAndMutationAndReceivesDropEventsLive) {
  ASSERT_TRUE(std::filesystem::exists(kChromium))
      << "no Chromium at '" << kChromium << "': ./scripts/livedrop setup installs it";
  const auto creator = RegisterAccount(http(), "creator");
  const auto product = NewProduct(http(), creator);
  const auto listed = NewDrop(http(), creator, product, 1h, 2h, 5, 1);
  const auto viewer = RegisterAccount(http());
  std::filesystem::create_directories(kArtifacts);
  const std::string screenshot = std::string(kArtifacts) + "/graphiql.png";
  std::filesystem::remove(screenshot);
  std::string live;
  const auto run = RunNode("graphiql.mjs",
                           {"--url", GraphQLUrl(), "--screenshot", screenshot, "--chromium",
                            kChromium, "--expect", listed, "--token", viewer.access_token,
                            "--creator", creator.id, "--timeout-ms", "100000"},
                           110s, "SUBSCRIBED", [&] {
                             // GraphiQL is subscribed: the creator's next drop starts in 2 s.
                             live = NewDrop(http(), creator, product, 2s, 10min, 5, 1);
                           });
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_TRUE(Has(run.output, "INTROSPECTION 200"));
  EXPECT_TRUE(Has(run.output, "DOCS Query fields: "));
  EXPECT_TRUE(Has(run.output, "RESULT {\"data\""));
  EXPECT_TRUE(Has(run.output, "MUTATION {\"data\":{\"follow\""));
  const auto state = http().Get("/v1/me/following/" + creator.id, viewer.access_token);
  EXPECT_TRUE(Json(state).at("following").as_bool()) << "GraphiQL's follow mutation did not land";
  ASSERT_FALSE(live.empty()) << "GraphiQL never subscribed";
  EXPECT_TRUE(Has(run.output, "EVENT drop_started " + live + "\n"))
      << "the drop_started of " << live << " did not reach GraphiQL's result pane";
  EXPECT_TRUE(Has(run.output, "\nPASS"));
  EXPECT_TRUE(std::filesystem::exists(screenshot) && std::filesystem::file_size(screenshot) > 0);
  std::cout << "screenshot: " << screenshot << "\n";
}

TEST_F(GraphQLE2E, PlaceOrder_OverGraphQL_ConfirmedOncePerIdempotencyKey) {
  const auto drop = LiveDrop(5, 2);
  const auto buyer = RegisterAccount(http());
  const std::string key = "graphql-e2e-" + NewUuid();
  const std::string place = R"(mutation($input: PlaceOrderInput!, $key: String!) {
      placeOrder(input: $input, idempotencyKey: $key) { id status quantity amount dropId } })";
  const json::object input{{"dropId", drop}, {"quantity", 1}, {"paymentToken", "tok_visa"}};
  json::object order;
  // Retried with the same key and input while the platform is still at it, as a client would.
  const bool done = testing::Eventually(
      [&] {
        const auto answer = GraphQL(place, {{"input", input}, {"key", key}}, buyer.access_token);
        const auto* data = answer.if_contains("data");
        if (data == nullptr || !data->is_object() ||
            !data->as_object().at("placeOrder").is_object())
          return false;
        order = data->as_object().at("placeOrder").as_object();
        return Str(order, "status") != "PENDING";
      },
      30s, 100ms);
  ASSERT_TRUE(done) << json::serialize(order);
  EXPECT_EQ(Str(order, "status"), "CONFIRMED");
  EXPECT_EQ(Str(order, "dropId"), drop);
  const auto id = Str(order, "id");

  const auto again = GraphQL(place, {{"input", input}, {"key", key}}, buyer.access_token);
  EXPECT_EQ(Str(again.at("data").at("placeOrder").as_object(), "id"), id) << json::serialize(again);
  EXPECT_EQ(Str(again.at("data").at("placeOrder").as_object(), "status"), "CONFIRMED");

  json::object other = input;
  other["quantity"] = 2;
  const auto reused = GraphQL(place, {{"input", other}, {"key", key}}, buyer.access_token);
  ASSERT_TRUE(reused.contains("errors")) << json::serialize(reused);
  EXPECT_EQ(reused.at("errors").at(0).at("extensions").at("code"), "idempotency_key_reused")
      << json::serialize(reused);

  // The same order through REST, and only one was taken from the stock.
  const auto rest = http().Get("/v1/orders/" + id, buyer.access_token);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(Str(Json(rest), "status"), "confirmed");
  // (the drop view follows the commit through Kafka: bounded polling)
  EXPECT_EQ(AwaitDrop(http(), drop, "live", 4).at("available"), 4);
}

TEST_F(GraphQLE2E, DropView_OverGraphQL_EqualsTheRestView) {
  const auto drop = LiveDrop(3, 1);
  const auto rest = http().Get("/v1/drops/" + drop);
  ASSERT_EQ(rest.status, 200) << rest.body;
  const auto answer = GraphQL(R"(query($id: ID!) { drop(id: $id) {
      id creatorId productId startsAt endsAt quantity perBuyerLimit status available
      product { id creatorId title description unitAmount currency imageUrls createdAt
        images { id status width height url variants { width height url } failure } } } })",
                              {{"id", drop}});
  ASSERT_FALSE(answer.contains("errors")) << json::serialize(answer);
  const auto& view = answer.at("data").at("drop").as_object();
  ExpectSameView(Json(rest), view, "drop");
  EXPECT_EQ(Str(view, "status"), "LIVE");
}

}  // namespace
}  // namespace livedrop::e2e
