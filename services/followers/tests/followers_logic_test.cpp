#include "followers_logic.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"
#include "livedrop/core/paging.h"
#include "livedrop/testing/errors.h"

namespace livedrop::followers {
namespace {

using testing::ErrorCodeOf;

TEST(FollowersLogic, ValidateFollow_SelfAndNonCreatorRejected) {
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "a", Role::kCreator); }), "cannot_follow_self");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", Role::kBuyer); }), "not_a_creator");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", Role::kCreator); }), "none");
}

TEST(FollowersLogic, ValidateFollow_AdminOrUnknownRole_IsNotACreator) {
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", Role::kAdmin); }), "not_a_creator");
  EXPECT_EQ(ErrorCodeOf([] { ValidateFollow("a", "b", Role::kOther); }), "not_a_creator");
}

std::vector<FollowRow> Rows(std::initializer_list<std::int64_t> seqs) {
  std::vector<FollowRow> rows;
  for (const auto seq : seqs) rows.push_back(FollowRow{"f", "c", Now(), seq});
  return rows;
}

TEST(FollowersLogic, PageOf_ExtraRow_IsDroppedAndCursorPointsPastTheLastShown) {
  const auto page = PageOf(Rows({9, 7, 4}), 2);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[1].seq, 7);
  EXPECT_EQ(DecodeCursor(page.next_cursor), 7);
}

TEST(FollowersLogic, PageOf_NoExtraRow_IsTheLastPage) {
  const auto page = PageOf(Rows({9, 7}), 2);
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.next_cursor, "");
  EXPECT_TRUE(PageOf({}, 2).items.empty());
}

}  // namespace
}  // namespace livedrop::followers
