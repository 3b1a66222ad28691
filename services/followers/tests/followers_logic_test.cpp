#include <gtest/gtest.h>

#include "livedrop/testing/errors.h"

#include "followers_logic.h"
#include "livedrop/core/error.h"

namespace livedrop::followers {
namespace {

using testing::ErrorCodeOf;

TEST(FollowersLogic, PageSize_DefaultsAndBounds) {
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(1), 1);
  EXPECT_EQ(PageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(ErrorCodeOf([] { PageSize(-1); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { PageSize(kMaxPageSize + 1); }), "validation_failed");
}

TEST(FollowersLogic, Cursor_RoundTripsAndIsOpaque) {
  const auto cursor = EncodeCursor(123456789);
  EXPECT_EQ(cursor.find("123456789"), std::string::npos);
  EXPECT_EQ(DecodeCursor(cursor), 123456789);
  EXPECT_EQ(DecodeCursor(""), std::nullopt);
}

TEST(FollowersLogic, Cursor_RejectsForgeries) {
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor("!!!"); }), "validation_failed");
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor("eHl6"); }), "validation_failed");  // "xyz"
  EXPECT_EQ(ErrorCodeOf([] { DecodeCursor(EncodeCursor(0)); }), "validation_failed");
}

TEST(FollowersLogic, ValidateFollow_SelfAndNonCreatorRejected) {
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "a", "creator"); }), "cannot_follow_self");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", "buyer"); }), "not_a_creator");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", "creator"); }), "none");
}

}  // namespace
}  // namespace livedrop::followers
