#include <gtest/gtest.h>

#include "livedrop/testing/errors.h"

#include "followers_logic.h"
#include "livedrop/core/error.h"

namespace livedrop::followers {
namespace {

using testing::ErrorCodeOf;

TEST(FollowersLogic, ValidateFollow_SelfAndNonCreatorRejected) {
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "a", "creator"); }), "cannot_follow_self");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", "buyer"); }), "not_a_creator");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", "creator"); }), "none");
}

}  // namespace
}  // namespace livedrop::followers
