// The Grafana dashboard of docker-compose (deploy/compose/grafana/dashboards/livedrop.json) names
// only metrics that the binaries export: every PromQL expression of every panel is checked
// against the /metrics of every service and the gateway of a running platform, after traffic
// that makes each lazily created family appear (an account, a follow, a drop going live, an
// order, the events they raise).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api.h"
#include "livedrop/testing/eventually.h"
#include "platform.h"
#include "promql_names.h"

namespace livedrop::compose_check {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

struct Query {
  std::string panel;
  std::string expr;
};

// Rows hold their panels when collapsed; every other panel carries targets.
void CollectQueries(const json::array& panels, std::vector<Query>& out, int& panels_seen) {
  for (const auto& value : panels) {
    const auto& panel = value.as_object();
    const std::string title = panel.contains("title") ? json::value_to<std::string>(panel.at("title")) : "";
    if (panel.contains("panels")) CollectQueries(panel.at("panels").as_array(), out, panels_seen);
    if (panel.at("type").as_string() == "row") continue;
    ++panels_seen;
    bool has_query = false;
    if (panel.contains("targets")) {
      for (const auto& target : panel.at("targets").as_array()) {
        if (!target.as_object().contains("expr")) continue;
        const auto expr = json::value_to<std::string>(target.at("expr"));
        if (expr.empty()) continue;
        out.push_back({title, expr});
        has_query = true;
      }
    }
    EXPECT_TRUE(has_query) << "panel \"" << title << "\" has no PromQL query";
  }
}

std::vector<Query> DashboardQueries() {
  std::ifstream in(LIVEDROP_DASHBOARD_JSON);
  EXPECT_TRUE(in) << "cannot read " << LIVEDROP_DASHBOARD_JSON;
  std::stringstream text;
  text << in.rdbuf();
  const json::value dashboard = json::parse(text.str());
  std::vector<Query> queries;
  int panels = 0;
  CollectQueries(dashboard.at("panels").as_array(), queries, panels);
  EXPECT_GT(panels, 0) << "the dashboard has no panels";
  return queries;
}

// What the platform does while a drop runs, once, so every family has been created.
void DriveADrop(e2e::Platform& platform) {
  const auto http = platform.Http();
  const auto creator = e2e::RegisterAccount(http, "creator");
  const auto buyer = e2e::RegisterAccount(http, "buyer");
  ASSERT_EQ(http.Request("PUT", "/v1/me/following/" + creator.id, "",
                         {{"Authorization", "Bearer " + buyer.access_token}})
                .status / 100,
            2);
  const auto product = e2e::NewProduct(http, creator);
  const auto drop = e2e::NewDrop(http, creator, product, 300ms, 10min, 5, 2);
  ASSERT_FALSE(drop.empty());
  e2e::AwaitDrop(http, drop, "live");
  // Stock reaches inventory through Kafka; the first order may find none yet.
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return e2e::PlaceOrder(http, buyer, "dash-" + drop, drop, 1).status / 100 == 2;
      },
      10s, 100ms))
      << "no order went through";
  http.Get("/v1/creators/" + creator.id + "/followers", creator.access_token);
  http.Get("/v1/me/following", buyer.access_token);
}

std::set<std::string> ScrapeEveryInstance(const e2e::Platform& platform) {
  // Prometheus makes `up` itself, for every target it scrapes.
  std::set<std::string> names{"up"};
  for (const auto& service : platform.Services()) {
    const auto exported = ExportedMetricNames(platform.Metrics(service));
    EXPECT_FALSE(exported.empty()) << service << " exports no metrics";
    names.insert(exported.begin(), exported.end());
  }
  return names;
}

TEST(DashboardMetrics, EveryQueryNamesOnlyMetricsSomeBinaryExports) {
  const auto queries = DashboardQueries();
  ASSERT_FALSE(queries.empty());
  e2e::Platform platform;
  DriveADrop(platform);

  std::set<std::string> exported;
  auto missing = [&] {
    std::vector<std::string> out;
    for (const auto& q : queries) {
      for (const auto& name : PromQLMetricNames(q.expr)) {
        if (!exported.count(name)) out.push_back("\"" + q.panel + "\": " + name);
      }
    }
    return out;
  };
  // Events (the outbox relay, notifications, drop views) create their families when they are
  // handled, a moment after the requests that raised them: scrape until nothing is missing or
  // the events have surely arrived.
  testing::Eventually(
      [&] {
        exported = ScrapeEveryInstance(platform);
        return missing().empty();
      },
      15s, 250ms);
  for (const auto& line : missing()) {
    ADD_FAILURE() << "the dashboard queries a metric no binary exports: " << line;
  }
}

}  // namespace
}  // namespace livedrop::compose_check
