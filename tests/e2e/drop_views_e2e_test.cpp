// The gateway's memory of hot drops end to end: with a TTL far longer than the test, only the
// events (drop_started on livedrop.drops, stock_changed on livedrop.stock from inventory) can
// move the view it serves.
#include <gtest/gtest.h>

#include <string>

#include "api.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/eventually.h"
#include "platform.h"

namespace livedrop::e2e {
namespace {

using namespace std::chrono_literals;

TEST(DropViewsE2E, StockChangesAndGoingLive_ReachTheHeldViewThroughKafka) {
  Platform::Options options;
  options.gateway_env = {{"LIVEDROP_DROP_VIEW_TTL", "1h"}};
  Platform platform(options);
  const auto http = platform.Http();
  const auto creator = RegisterAccount(http, "creator");
  const auto product = NewProduct(http, creator);
  const auto drop = NewDrop(http, creator, product, 1500ms, 10min, 3, 2);
  ASSERT_FALSE(drop.empty());
  // Held once inventory has the stock (a read before that is not kept), while still scheduled.
  bool held_scheduled = false;
  testing::Eventually(
      [&] {
        const auto view = Json(http.Get("/v1/drops/" + drop));
        held_scheduled = Str(view, "status") == "scheduled" && view.at("available") == 3;
        return held_scheduled || Str(view, "status") != "scheduled";
      },
      10s, 20ms);
  ASSERT_TRUE(held_scheduled) << "the drop went live before its stock could be read";

  // drop_started, not a reload, turns the held view live.
  EXPECT_EQ(Str(AwaitDrop(http, drop, "live", 3), "status"), "live");

  const auto buyer = RegisterAccount(http);
  const auto first = PlaceOrder(http, buyer, NewUuid(), drop, 2);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(AwaitDrop(http, drop, "live", 1).at("available"), 1);

  const auto other = RegisterAccount(http);
  const auto last = PlaceOrder(http, other, NewUuid(), drop, 1);
  ASSERT_EQ(last.status, 201) << last.body;
  // Nothing left: sold_out, whatever drops has learned by now.
  const auto sold = AwaitDrop(http, drop, "sold_out", 0);
  EXPECT_EQ(Str(sold, "status"), "sold_out");
  EXPECT_EQ(sold.at("available"), 0);

  // The same view, conditionally: the tag it was served with is answered 304.
  const auto read = http.Get("/v1/drops/" + drop);
  const auto etag = read.Header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(read.Header("cache-control"), "public, max-age=1, stale-while-revalidate=5");
  const auto again = http.Request("GET", "/v1/drops/" + drop, "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Header("etag"), etag);

  // The stock changes carried when they were committed: the gateway measured its lag from there.
  const std::string commit_lag =
      "livedrop_gateway_drop_view_event_lag_seconds_count{event=\"stock_commit\"} ";
  const auto metrics = platform.Metrics("gateway");
  const auto at = metrics.find(commit_lag);
  ASSERT_NE(at, std::string::npos) << metrics;
  EXPECT_GE(std::stod(metrics.substr(at + commit_lag.size())), 2);
}

}  // namespace
}  // namespace livedrop::e2e
