// DropViewStore on a clock the test moves: TTL, events, races with loads, bounds, threads.
#include "cache/drop_view_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>
#include <vector>

#include "cache/drop_view_feed.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/testing/event_messages.h"

namespace livedrop::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = DropViewStore::Clock;

struct FakeClock {
  Clock::time_point now = Clock::now();
  std::function<Clock::time_point()> Fn() {
    return [this] { return now; };
  }
};

drops::v1::Drop Drop(const std::string& id, drops::v1::DropStatus status) {
  drops::v1::Drop d;
  d.set_id(id);
  d.set_product_id("prod-" + id);
  d.set_quantity(100);
  d.set_status(status);
  d.set_available(100);  // what drops knows; the store shows inventory's
  d.mutable_product()->set_id("prod-" + id);
  d.mutable_product()->set_title("Hoodie");
  return d;
}

boost::json::object Body(const std::shared_ptr<const DropView>& view) {
  return boost::json::parse(view->body).as_object();
}

TEST(DropViewStore, Fill_IsServedUntilTheTtlRunsOut_ThenNotAnyMore) {
  FakeClock clock;
  DropViewStore store({2s, 100}, clock.Fn());
  EXPECT_EQ(store.Find("d1"), nullptr);
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 40, 3);
  clock.now += 1999ms;
  const auto view = store.Find("d1");
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(Body(view).at("available").as_int64(), 40);
  EXPECT_EQ(Body(view).at("product").as_object().at("title").as_string(), "Hoodie");
  clock.now += 1ms;
  EXPECT_EQ(store.Find("d1"), nullptr);
}

TEST(DropViewStore, ApplyStock_NewerVersionChangesTheViewAndItsEtag_OlderIsIgnored) {
  FakeClock clock;
  DropViewStore store({2s, 100}, clock.Fn());
  const auto before = store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 40, 3);
  store.ApplyStock("d1", 39, 4);
  const auto after = store.Find("d1");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(Body(after).at("available").as_int64(), 39);
  EXPECT_NE(after->etag, before->etag);
  store.ApplyStock("d1", 45, 2);
  EXPECT_EQ(Body(store.Find("d1")).at("available").as_int64(), 39);
}

TEST(DropViewStore, StockReachesZeroWhileLive_ViewShowsSoldOut) {
  DropViewStore store({2s, 100});
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 1, 3);
  EXPECT_EQ(Body(store.Find("d1")).at("status").as_string(), "live");
  store.ApplyStock("d1", 0, 4);
  const auto body = Body(store.Find("d1"));
  EXPECT_EQ(body.at("status").as_string(), "sold_out");
  EXPECT_EQ(body.at("available").as_int64(), 0);
}

TEST(DropViewStore, ApplyDrop_TakesStatusKeepsStockAndProduct) {
  DropViewStore store({2s, 100});
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 12, 3);
  auto ended = Drop("d1", drops::v1::DROP_STATUS_ENDED);
  ended.clear_product();
  store.ApplyDrop(ended);
  const auto body = Body(store.Find("d1"));
  EXPECT_EQ(body.at("status").as_string(), "ended");
  EXPECT_EQ(body.at("available").as_int64(), 12);
  EXPECT_EQ(body.at("product").as_object().at("id").as_string(), "prod-d1");
}

TEST(DropViewStore, EventsForDropsNotHeld_HoldNothing) {
  DropViewStore store({2s, 100});
  store.ApplyStock("d1", 3, 9);
  store.ApplyDrop(Drop("d2", drops::v1::DROP_STATUS_LIVE));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.Find("d1"), nullptr);
}

TEST(DropViewStore, LoadOutracedByEvents_KeepsWhatTheEventsSaid) {
  FakeClock clock;
  DropViewStore store({2s, 100}, clock.Fn());
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 10, 5);
  clock.now += 3s;  // expired: the next read reloads, and the held view still takes events
  const auto mark = store.Mark();
  store.ApplyDrop(Drop("d1", drops::v1::DROP_STATUS_CANCELLED));
  store.ApplyStock("d1", 8, 7);
  // The reload asked before those events and brings what was true then.
  const auto view = store.Fill(mark, Drop("d1", drops::v1::DROP_STATUS_LIVE), 9, 6);
  EXPECT_EQ(Body(view).at("status").as_string(), "cancelled");
  EXPECT_EQ(Body(view).at("available").as_int64(), 8);
  EXPECT_EQ(store.Find("d1")->etag, view->etag);
}

TEST(DropViewStore, Full_EvictsTheViewReadLeastRecently) {
  FakeClock clock;
  DropViewStore store(DropViewStoreOptions{10s, 2, 1}, clock.Fn());
  store.Fill(store.Mark(), Drop("a", drops::v1::DROP_STATUS_LIVE), 1, 1);
  clock.now += 1ms;
  store.Fill(store.Mark(), Drop("b", drops::v1::DROP_STATUS_LIVE), 1, 1);
  clock.now += 1ms;
  ASSERT_NE(store.Find("a"), nullptr);  // a is now the more recently read
  clock.now += 1ms;
  store.Fill(store.Mark(), Drop("c", drops::v1::DROP_STATUS_LIVE), 1, 1);
  EXPECT_EQ(store.size(), 2u);
  EXPECT_NE(store.Find("a"), nullptr);
  EXPECT_EQ(store.Find("b"), nullptr);
  EXPECT_NE(store.Find("c"), nullptr);
}

TEST(DropViewStore, ZeroTtl_StoreIsOff_FillStillRendersTheView) {
  DropViewStore store({0ms, 100});
  EXPECT_FALSE(store.enabled());
  const auto view = store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 0, 1);
  EXPECT_EQ(Body(view).at("status").as_string(), "sold_out");
  EXPECT_EQ(store.Find("d1"), nullptr);
  EXPECT_EQ(store.size(), 0u);
}

TEST(DropViewStore, ReadersDuringStockChanges_EachSeeAWholeViewAndTheLastChangeWins) {
  DropViewStore store({60s, 100});
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 1000, 1);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        const auto view = store.Find("d1");
        if (view == nullptr || Body(view).at("available").as_int64() != view->drop.available()) {
          ++bad;
        }
      }
    });
  }
  for (int v = 2; v <= 1000; ++v) store.ApplyStock("d1", 1000 - v, v);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(Body(store.Find("d1")).at("available").as_int64(), 0);
}

kafka::Message StockChangedMessage(const std::string& drop_id, int available, int64_t version) {
  inventory::v1::StockChanged e;
  e.set_drop_id(drop_id);
  e.set_available(available);
  e.set_total(100);
  e.set_version(version);
  return livedrop::testing::EventMessage(topics::kStock, event_types::kStockChanged,
                                         "livedrop-inventory", drop_id, e);
}

TEST(DropViewFeed, StockChangedAndDropEnded_ReachTheHeldView) {
  DropViewStore store({60s, 100});
  store.Fill(store.Mark(), Drop("d1", drops::v1::DROP_STATUS_LIVE), 10, 1);
  DropViewFeed::Apply(store, StockChangedMessage("d1", 4, 2));
  EXPECT_EQ(Body(store.Find("d1")).at("available").as_int64(), 4);

  drops::v1::DropEnded ended;
  *ended.mutable_drop() = Drop("d1", drops::v1::DROP_STATUS_ENDED);
  DropViewFeed::Apply(store,
                      livedrop::testing::EventMessage(topics::kDrops, event_types::kDropEnded,
                                                      "livedrop-drops", "d1", ended));
  EXPECT_EQ(Body(store.Find("d1")).at("status").as_string(), "ended");
}

}  // namespace
}  // namespace livedrop::gateway
