// UserDirectory: roles are remembered up to a bound, the least recently asked user evicted one
// at a time instead of emptying the cache. A fake livedrop-auth counts its calls, so a cache hit
// is a call not made.
#include "user_directory.h"

#include <gtest/gtest.h>

#include "clients/fake_auth.h"

namespace livedrop::followers {
namespace {

class UserDirectoryTest : public ::testing::Test {
 protected:
  UserDirectoryTest() {
    for (const char* id : {"u0", "u1", "u2", "u3"}) auth_.Put(id, Role::kBuyer);
  }

  // How many of `user_ids` the directory had to ask livedrop-auth for.
  int Asked(UserDirectory& users, std::initializer_list<const char*> user_ids) {
    const int before = auth_.calls();
    for (const char* id : user_ids) EXPECT_EQ(users.RoleOf(id), Role::kBuyer) << id;
    return auth_.calls() - before;
  }

  FakeAuth auth_;
};

TEST_F(UserDirectoryTest, AtItsBound_EvictsTheLeastRecentlyAskedUserInsteadOfEmptying) {
  UserDirectory users(auth_, 3);
  ASSERT_EQ(Asked(users, {"u0", "u1", "u2"}), 3);
  ASSERT_EQ(Asked(users, {"u0", "u2"}), 0);  // u1 is now the least recently asked
  ASSERT_EQ(Asked(users, {"u3"}), 1);        // one past the bound
  EXPECT_EQ(Asked(users, {"u0", "u2", "u3"}), 0);
  EXPECT_EQ(Asked(users, {"u1"}), 1);
}

TEST_F(UserDirectoryTest, UnknownUser_IsNotRemembered) {
  UserDirectory users(auth_, 3);
  EXPECT_EQ(users.RoleOf("ghost"), std::nullopt);
  EXPECT_EQ(users.RoleOf("ghost"), std::nullopt);
  EXPECT_EQ(auth_.calls(), 2);
}

TEST_F(UserDirectoryTest, AuthUnavailable_IsThrownAndNothingIsRemembered) {
  UserDirectory users(auth_, 3);
  auth_.FailNext(Error(ErrorKind::kUnavailable, "unavailable", "auth is down"));
  EXPECT_THROW(users.RoleOf("u0"), Error);
  EXPECT_EQ(users.RoleOf("u0"), Role::kBuyer);
  EXPECT_EQ(auth_.calls(), 2);
}

}  // namespace
}  // namespace livedrop::followers
