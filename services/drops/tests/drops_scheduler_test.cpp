// The scheduler against a real PostgreSQL: two instances, one drop, each transition once.
#include "drops_scheduler.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "drop_views.h"
#include "drops_app.h"
#include "drops_migrations.h"
#include "drops_store.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/eventually.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;

TEST(DropsScheduler, TwoInstances_StartAndEndADropOnceAndNeverEarly) {
  testing::ServiceDatabase db("drops", Migrations(), 4);
  pg::Pool& pool = db.pool();
  const std::string url = db.url();
  const std::string creator = NewUuid();
  const TimePoint start = Now() + 400ms;
  const TimePoint end = start + 400ms;
  const auto drop = pool.Transact([&](pqxx::work& tx) {
    const auto product =
        DropsStore::InsertProduct(tx, NewUuid(), creator, NewProduct{"Tee", "", 100, "EUR", {}});
    return DropsStore::InsertDrop(tx, NewUuid(), creator, product.id, NewDrop{start, end, 5, 1});
  });

  pg::Pool other_pool(pg::PoolOptions{url, "drops", 4});
  DropViews views(redis::VersionedCache(nullptr, "drop", 30s),
                  redis::VersionedCache(nullptr, "product", 30s));
  DropsScheduler a, b;
  DropsApp app_a(pool, views, a), app_b(other_pool, views, b);
  a.Start([&] { return app_a.StartAndEndDue(); });
  b.Start([&] { return app_b.StartAndEndDue(); });
  EXPECT_TRUE(testing::Eventually([&] { return a.ended() + b.ended() >= 1; }, 10s));
  testing::Idle(300ms, "a second start or end by either instance would show by now");
  a.Stop();
  b.Stop();

  EXPECT_EQ(a.started() + b.started(), 1u);
  EXPECT_EQ(a.ended() + b.ended(), 1u);
  pqxx::connection conn(url);
  pqxx::work tx(conn);
  const auto row = tx.exec_params1(
      "SELECT status, started_at >= starts_at, ended_at >= ends_at, "
      "extract(epoch FROM started_at - starts_at) * 1000 FROM drops.drops WHERE id = $1",
      drop.id);
  EXPECT_EQ(row[0].as<std::string>(), "ended");
  EXPECT_TRUE(row[1].as<bool>()) << "started before its start time";
  EXPECT_TRUE(row[2].as<bool>()) << "ended before its end time";
  std::cout << "start lateness: " << row[3].as<double>() << " ms\n";
  EXPECT_EQ(db.OutboxCount("drop_started"), 1);
  EXPECT_EQ(db.OutboxCount("drop_ended"), 1);
}

}  // namespace
}  // namespace livedrop::drops
