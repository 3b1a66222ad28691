#include <gtest/gtest.h>

#include "followers_logic.h"
#include "livedrop/core/error.h"

namespace livedrop::followers {
namespace {

std::string CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

TEST(FollowersLogic, PageSize_DefaultsAndBounds) {
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(1), 1);
  EXPECT_EQ(PageSize(kMaxPageSize), kMaxPageSize);
  EXPECT_EQ(CodeOf([] { PageSize(-1); }), "validation_failed");
  EXPECT_EQ(CodeOf([] { PageSize(kMaxPageSize + 1); }), "validation_failed");
}

TEST(FollowersLogic, Cursor_RoundTripsAndIsOpaque) {
  const auto cursor = EncodeCursor(123456789);
  EXPECT_EQ(cursor.find("123456789"), std::string::npos);
  EXPECT_EQ(DecodeCursor(cursor), 123456789);
  EXPECT_EQ(DecodeCursor(""), std::nullopt);
}

TEST(FollowersLogic, Cursor_RejectsForgeries) {
  EXPECT_EQ(CodeOf([] { DecodeCursor("!!!"); }), "validation_failed");
  EXPECT_EQ(CodeOf([] { DecodeCursor("eHl6"); }), "validation_failed");  // "xyz"
  EXPECT_EQ(CodeOf([] { DecodeCursor(EncodeCursor(0)); }), "validation_failed");
}

TEST(FollowersLogic, ValidateFollow_SelfAndNonCreatorRejected) {
  EXPECT_EQ(CodeOf([] { ValidateFollow("a", "a", "creator"); }), "cannot_follow_self");
  EXPECT_EQ(CodeOf([] { ValidateFollow("a", "b", "buyer"); }), "not_a_creator");
  EXPECT_EQ(CodeOf([] { ValidateFollow("a", "b", "creator"); }), "none");
}

}  // namespace
}  // namespace livedrop::followers
