// FollowersApp on fakes (no PostgreSQL, no Redis, no livedrop-auth): who may be followed, what
// is asked of auth and remembered, idempotent follows, pages and counts.
#include "followers_app.h"

#include <gtest/gtest.h>

#include "clients/fake_auth.h"
#include "fake_follows_repository.h"
#include "livedrop/testing/errors.h"

namespace livedrop::followers {
namespace {

using testing::ErrorCodeOf;

constexpr char kCreator[] = "00000000-0000-4000-8000-000000000001";
constexpr char kOtherCreator[] = "00000000-0000-4000-8000-000000000002";
constexpr char kBuyer[] = "00000000-0000-4000-8000-000000000003";
constexpr char kFan[] = "00000000-0000-4000-8000-000000000004";
constexpr char kNobody[] = "00000000-0000-4000-8000-000000000009";

class FollowersAppTest : public ::testing::Test {
 protected:
  FollowersAppTest() {
    auth_.Put(kCreator, Role::kCreator);
    auth_.Put(kOtherCreator, Role::kCreator);
    auth_.Put(kBuyer, Role::kBuyer);
    auth_.Put(kFan, Role::kBuyer);
  }

  FakeAuth auth_;
  FakeFollowsRepository follows_;
  FollowersApp app_{follows_, auth_,
                    redis::VersionedCache(nullptr, "counts", std::chrono::seconds(30)),
                    FollowersOptions{}};
};

TEST_F(FollowersAppTest, Follow_ABuyer_IsNotACreatorAndWritesNothing) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Follow(kFan, kBuyer); }), "not_a_creator");
  EXPECT_EQ(follows_.writes(), 0);
}

TEST_F(FollowersAppTest, Follow_Yourself_IsRejected) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Follow(kCreator, kCreator); }), "cannot_follow_self");
  EXPECT_EQ(follows_.writes(), 0);
}

TEST_F(FollowersAppTest, Follow_UnknownCreator_IsNotFound) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Follow(kFan, kNobody); }), "not_found");
  EXPECT_EQ(follows_.writes(), 0);
}

TEST_F(FollowersAppTest, Follow_MalformedCreatorId_IsNotFoundWithoutAskingAuth) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Follow(kFan, "not-a-uuid"); }), "not_found");
  EXPECT_EQ(auth_.calls(), 0);
}

TEST_F(FollowersAppTest, Follow_AuthUnavailable_IsUnavailableAndAskedAgainNextTime) {
  auth_.FailNext(Error(ErrorKind::kUnavailable, "unavailable", "auth is down"));
  EXPECT_EQ(ErrorCodeOf([&] { app_.Follow(kFan, kCreator); }), "unavailable");
  EXPECT_EQ(follows_.writes(), 0);
  EXPECT_TRUE(app_.Follow(kFan, kCreator).created);
  EXPECT_EQ(auth_.calls(), 2);
}

TEST_F(FollowersAppTest, Follow_SameCreatorTwice_CreatedOnceWithTheSameFollow) {
  const auto first = app_.Follow(kFan, kCreator);
  const auto second = app_.Follow(kFan, kCreator);
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(second.follow.seq, first.follow.seq);
  EXPECT_EQ(follows_.writes(), 1);
}

TEST_F(FollowersAppTest, EveryCallAboutOneCreator_AsksAuthOnce) {
  app_.Follow(kFan, kCreator);
  app_.Follow(kBuyer, kCreator);
  app_.Find(kFan, kCreator);
  app_.Followers(kCreator, 0, "");
  app_.Unfollow(kFan, kCreator);
  EXPECT_EQ(auth_.calls(), 1);
  app_.Follow(kFan, kOtherCreator);
  EXPECT_EQ(auth_.calls(), 2);
}

TEST_F(FollowersAppTest, Unfollow_WhenNotFollowing_RemovesNothing) {
  EXPECT_FALSE(app_.Unfollow(kFan, kCreator));
  app_.Follow(kFan, kCreator);
  EXPECT_TRUE(app_.Unfollow(kFan, kCreator));
  EXPECT_FALSE(app_.Unfollow(kFan, kCreator));
  EXPECT_FALSE(app_.Find(kFan, kCreator).has_value());
}

TEST_F(FollowersAppTest, Unfollow_UnknownCreator_IsNotFound) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Unfollow(kFan, kNobody); }), "not_found");
}

TEST_F(FollowersAppTest, Followers_MoreThanAPage_NewestFirstWithACursorToTheRest) {
  app_.Follow(kFan, kCreator);
  app_.Follow(kBuyer, kCreator);
  app_.Follow(kOtherCreator, kCreator);
  const auto first = app_.Followers(kCreator, 2, "");
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].follower_id, kOtherCreator);
  EXPECT_EQ(first.items[1].follower_id, kBuyer);
  ASSERT_FALSE(first.next_cursor.empty());
  const auto rest = app_.Followers(kCreator, 2, first.next_cursor);
  ASSERT_EQ(rest.items.size(), 1u);
  EXPECT_EQ(rest.items[0].follower_id, kFan);
  EXPECT_EQ(rest.next_cursor, "");
}

TEST_F(FollowersAppTest, Followers_BadPageParameters_AreRefusedBeforeTheCreatorIsLookedUp) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Followers(kNobody, 1000, ""); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([&] { app_.Followers(kNobody, 0, "%%%"); }), "validation_failed");
  EXPECT_EQ(auth_.calls(), 0);
}

TEST_F(FollowersAppTest, Following_MalformedUserId_IsNotFound) {
  EXPECT_EQ(ErrorCodeOf([&] { app_.Following("nope", 0, ""); }), "not_found");
}

TEST_F(FollowersAppTest, GetCounts_AfterFollowsAndAnUnfollow_CountBothSides) {
  app_.Follow(kFan, kCreator);
  app_.Follow(kFan, kOtherCreator);
  app_.Follow(kBuyer, kCreator);
  app_.Unfollow(kFan, kOtherCreator);
  EXPECT_EQ(app_.GetCounts(kCreator).followers, 2);
  EXPECT_EQ(app_.GetCounts(kOtherCreator).followers, 0);
  EXPECT_EQ(app_.GetCounts(kFan).following, 1);
  EXPECT_EQ(ErrorCodeOf([&] { app_.GetCounts("nope"); }), "not_found");
}

}  // namespace
}  // namespace livedrop::followers

namespace livedrop::followers {
namespace {

TEST(FollowersAppCap, Follow_PastMaxFollowing_IsRefusedButAFollowAgainIsNot) {
  FakeAuth auth;
  auth.Put(kCreator, Role::kCreator);
  auth.Put(kOtherCreator, Role::kCreator);
  auth.Put(kFan, Role::kBuyer);
  FakeFollowsRepository follows;
  FollowersOptions options;
  options.max_following = 1;
  FollowersApp app(follows, auth, redis::VersionedCache(nullptr, "counts", std::chrono::seconds(30)),
                   options);
  EXPECT_TRUE(app.Follow(kFan, kCreator).created);
  EXPECT_EQ(ErrorCodeOf([&] { app.Follow(kFan, kOtherCreator); }), "follow_limit_reached");
  EXPECT_FALSE(app.Follow(kFan, kCreator).created);  // already followed: no new follow, no cap
  EXPECT_TRUE(app.Unfollow(kFan, kCreator));
  EXPECT_TRUE(app.Follow(kFan, kOtherCreator).created);  // a place came back
}

}  // namespace
}  // namespace livedrop::followers
