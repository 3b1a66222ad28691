// PgFollowsRepository on a real PostgreSQL: the cap on whom one user follows holds when that
// user's follows arrive at the same moment.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

#include "followers_app.h"
#include "followers_migrations.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::followers {
namespace {

TEST(PgFollowsRepository, ConcurrentFollowsOfOneUser_NeverPassTheCapTogether) {
  constexpr int kAttempts = 12;
  constexpr std::int64_t kCap = 3;
  testing::ServiceDatabase db("followers", Migrations(), kAttempts);
  PgFollowsRepository repository(db.pool());
  const std::string fan = NewUuid();
  std::vector<std::string> creators;
  for (int i = 0; i < kAttempts; ++i) creators.push_back(NewUuid());

  std::atomic<int> created{0}, at_limit{0};
  std::barrier start(kAttempts);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      const auto outcome = repository.Follow(fan, creators[i], kCap);
      if (outcome.created) ++created;
      if (outcome.at_limit) ++at_limit;
    });
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(created.load(), kCap);
  EXPECT_EQ(at_limit.load(), kAttempts - kCap);
  EXPECT_EQ(repository.ReadCounts(fan).following, kCap);
  EXPECT_EQ(repository.Following(fan, std::nullopt, 100).size(), static_cast<std::size_t>(kCap));
}

TEST(PgFollowsRepository, AtTheCap_FollowingAgainIsNoChangeNotARefusal) {
  testing::ServiceDatabase db("followers", Migrations(), 2);
  PgFollowsRepository repository(db.pool());
  const std::string fan = NewUuid(), creator = NewUuid();
  ASSERT_TRUE(repository.Follow(fan, creator, 1).created);
  const auto again = repository.Follow(fan, creator, 1);
  EXPECT_FALSE(again.created);
  EXPECT_FALSE(again.at_limit);
  EXPECT_EQ(again.follow.creator_id, creator);
  EXPECT_TRUE(repository.Follow(fan, NewUuid(), 1).at_limit);
  EXPECT_TRUE(repository.Follow(fan, NewUuid(), 0).created) << "0 is no cap";
}

}  // namespace
}  // namespace livedrop::followers
