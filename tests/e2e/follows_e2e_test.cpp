// Follows end to end: livedrop-followers behind the gateway, with real auth and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "api.h"
#include "livedrop/core/ids.h"
#include "platform_test.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;

class FollowsE2E : public PlatformTest {
 protected:
  HttpResult Follow(const Account& who, const std::string& creator) const {
    return http().Request("PUT", "/v1/me/following/" + creator, "",
                          {{"Authorization", "Bearer " + who.access_token}});
  }
  HttpResult Unfollow(const Account& who, const std::string& creator) const {
    return http().Request("DELETE", "/v1/me/following/" + creator, "",
                          {{"Authorization", "Bearer " + who.access_token}});
  }
  std::int64_t FollowerCount(const std::string& creator) const {
    const auto r = http().Get("/v1/creators/" + creator);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).at("follower_count").as_int64();
  }
};

TEST_F(FollowsE2E, FollowAndUnfollow_AreIdempotent) {
  const auto creator = RegisterAccount(http(), "creator");
  const auto buyer = RegisterAccount(http());
  EXPECT_EQ(Follow(buyer, creator.id).status, 200);
  EXPECT_EQ(Follow(buyer, creator.id).status, 200);
  EXPECT_EQ(FollowerCount(creator.id), 1);
  const auto state = http().Get("/v1/me/following/" + creator.id, buyer.access_token);
  EXPECT_TRUE(Json(state).at("following").as_bool());

  EXPECT_EQ(Unfollow(buyer, creator.id).status, 204);
  EXPECT_EQ(Unfollow(buyer, creator.id).status, 204);
  EXPECT_EQ(FollowerCount(creator.id), 0);
  EXPECT_FALSE(
      Json(http().Get("/v1/me/following/" + creator.id, buyer.access_token)).at("following").as_bool());
}

TEST_F(FollowsE2E, FollowingYourself_IsRejected) {
  const auto creator = RegisterAccount(http(), "creator");
  ExpectProblem(Follow(creator, creator.id), 409, "cannot_follow_self");
}

TEST_F(FollowsE2E, FollowingABuyer_IsRejected) {
  const auto buyer = RegisterAccount(http());
  const auto other = RegisterAccount(http());
  ExpectProblem(Follow(buyer, other.id), 409, "not_a_creator");
}

TEST_F(FollowsE2E, UnknownIds_Are404) {
  const auto buyer = RegisterAccount(http());
  ExpectProblem(Follow(buyer, NewUuid()), 404, "not_found");
  ExpectProblem(Follow(buyer, "not-a-uuid"), 404, "not_found");
  ExpectProblem(http().Get("/v1/creators/" + NewUuid()), 404, "not_found");
  ExpectProblem(http().Get("/v1/creators/" + NewUuid() + "/followers"), 404, "not_found");
  // A buyer has no creator profile.
  ExpectProblem(http().Get("/v1/creators/" + buyer.id), 404, "not_found");
}

TEST_F(FollowsE2E, FollowWithoutToken_Is401) {
  const auto creator = RegisterAccount(http(), "creator");
  ExpectProblem(http().Request("PUT", "/v1/me/following/" + creator.id), 401, "unauthenticated");
}

TEST_F(FollowsE2E, BadPageParameters_Are400) {
  const auto creator = RegisterAccount(http(), "creator");
  ExpectProblem(http().Get("/v1/creators/" + creator.id + "/followers?limit=abc"), 400,
                "validation_failed");
  ExpectProblem(http().Get("/v1/creators/" + creator.id + "/followers?limit=1000"), 400,
                "validation_failed");
  ExpectProblem(http().Get("/v1/creators/" + creator.id + "/followers?cursor=forged"), 400,
                "validation_failed");
}

// Pages read while others follow, unfollow and re-follow show nobody twice and skip nobody
// who followed throughout.
TEST_F(FollowsE2E, Pagination_WithWritesBetweenPages_HasNoDuplicatesAndNoGaps) {
  const auto creator = RegisterAccount(http(), "creator");
  std::vector<Account> fans;
  for (int i = 0; i < 24; ++i) {
    fans.push_back(RegisterAccount(http()));
    ASSERT_EQ(Follow(fans.back(), creator.id).status, 200);
  }
  std::set<std::string> steady;  // following from before the first page to after the last
  for (const auto& f : fans) steady.insert(f.id);

  std::vector<std::string> seen;
  std::string cursor;
  int page_number = 0;
  do {
    const auto r = http().Get("/v1/creators/" + creator.id + "/followers?limit=5" +
                              (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto page = Json(r);
    for (const auto& item : page.at("items").as_array()) {
      seen.push_back(Str(item.as_object(), "user_id"));
    }
    cursor = page.at("next_cursor").is_null() ? "" : Str(page, "next_cursor");
    // Between pages: a newcomer follows, an already-seen fan unfollows and re-follows, and
    // a not-yet-seen fan unfollows and re-follows (their place in the list must not move).
    const auto newcomer = RegisterAccount(http());
    ASSERT_EQ(Follow(newcomer, creator.id).status, 200);
    const auto& early = fans[fans.size() - 1 - static_cast<std::size_t>(page_number)];
    ASSERT_EQ(Unfollow(early, creator.id).status, 204);
    ASSERT_EQ(Follow(early, creator.id).status, 200);
    const auto& late = fans[static_cast<std::size_t>(page_number)];
    ASSERT_EQ(Unfollow(late, creator.id).status, 204);
    ASSERT_EQ(Follow(late, creator.id).status, 200);
    ++page_number;
  } while (!cursor.empty() && page_number < 20);

  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a follower appeared twice";
  for (const auto& id : steady) EXPECT_TRUE(unique.count(id)) << "missing follower " << id;
  EXPECT_EQ(seen.size(), fans.size());
}

TEST_F(FollowsE2E, Counts_AfterAConcurrentFollowUnfollowStorm_MatchTheGraph) {
  const auto creator = RegisterAccount(http(), "creator");
  std::vector<Account> fans;
  for (int i = 0; i < 16; ++i) fans.push_back(RegisterAccount(http()));
  std::vector<std::thread> storm;
  std::atomic<int> failures{0};
  for (std::size_t i = 0; i < fans.size(); ++i) {
    storm.emplace_back([&, i] {
      std::minstd_rand rng(static_cast<unsigned>(i));
      for (int k = 0; k < 12; ++k) {
        const int status = rng() % 2 ? Follow(fans[i], creator.id).status
                                     : Unfollow(fans[i], creator.id).status;
        if (status != 200 && status != 204) failures++;
      }
      // Odd fans end following, even fans end not following.
      const int status =
          i % 2 ? Follow(fans[i], creator.id).status : Unfollow(fans[i], creator.id).status;
      if (status != 200 && status != 204) failures++;
    });
  }
  for (auto& t : storm) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(FollowerCount(creator.id), 8);
  const auto page = Json(http().Get("/v1/creators/" + creator.id + "/followers?limit=200"));
  EXPECT_EQ(page.at("items").as_array().size(), 8u);
  const auto following = Json(http().Get("/v1/me/following", fans[1].access_token));
  ASSERT_EQ(following.at("items").as_array().size(), 1u);
  EXPECT_EQ(Str(following.at("items").as_array()[0].as_object(), "creator_id"), creator.id);
}

}  // namespace
}  // namespace livedrop::e2e
