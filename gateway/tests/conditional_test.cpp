// Entity tags and If-None-Match as RFC 9110 compares them.
#include "server/conditional.h"

#include <gtest/gtest.h>

namespace livedrop::gateway::conditional {
namespace {

TEST(Conditional, EntityTagOf_IsQuotedStableAndDiffersWithTheBody) {
  const auto tag = EntityTagOf(R"({"id":"d1"})");
  EXPECT_EQ(tag.front(), '"');
  EXPECT_EQ(tag.back(), '"');
  EXPECT_EQ(tag.size(), 18u);
  EXPECT_EQ(tag, EntityTagOf(R"({"id":"d1"})"));
  EXPECT_NE(tag, EntityTagOf(R"({"id":"d2"})"));
}

TEST(Conditional, NoneMatch_SameTag_Matches) {
  EXPECT_TRUE(NoneMatchMatches("\"abc\"", "\"abc\""));
  EXPECT_FALSE(NoneMatchMatches("\"abd\"", "\"abc\""));
}

TEST(Conditional, NoneMatch_WeakComparison_IgnoresWOnEitherSide) {
  EXPECT_TRUE(NoneMatchMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(NoneMatchMatches("\"abc\"", "W/\"abc\""));
}

TEST(Conditional, NoneMatch_ListWithSpaces_MatchesAnyEntry) {
  EXPECT_TRUE(NoneMatchMatches("\"x\", W/\"y\" ,\t\"abc\"", "\"abc\""));
  EXPECT_FALSE(NoneMatchMatches("\"x\", \"y\"", "\"abc\""));
}

TEST(Conditional, NoneMatch_Star_MatchesAnyCurrentRepresentation) {
  EXPECT_TRUE(NoneMatchMatches("*", "\"abc\""));
  EXPECT_TRUE(NoneMatchMatches(" * ", "\"abc\""));
}

TEST(Conditional, NoneMatch_UnquotedOrEmpty_MatchesNothing) {
  EXPECT_FALSE(NoneMatchMatches("abc", "\"abc\""));
  EXPECT_FALSE(NoneMatchMatches("", "\"abc\""));
  EXPECT_FALSE(NoneMatchMatches("W/", "\"abc\""));
  EXPECT_FALSE(NoneMatchMatches("\"", "\"\""));
}

}  // namespace
}  // namespace livedrop::gateway::conditional
