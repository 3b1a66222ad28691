#include "graphql/suggestions.h"

#include <gtest/gtest.h>

#include "graphql/tests/test_schema.h"

namespace livedrop::graphql {
namespace {

using Names = std::vector<std::string>;

// The expected lists are what graphql-js 16's suggestionList answers for the same input.
TEST(SuggestionList, NearestFirstWithinFortyPercentCaseInsensitive) {
  EXPECT_EQ(SuggestionList("titel", {"status", "tile", "id", "title"}), (Names{"title", "tile"}))
      << "a transposition costs 1, a deletion and a transposition 2";
  EXPECT_EQ(SuggestionList("ID", {"idx", "id", "Id", "iD"}), (Names{"Id", "iD", "id", "idx"}))
      << "another case costs 1, like one letter more";
  EXPECT_EQ(SuggestionList("x", {"y", "xy", "abc"}), (Names{"xy", "y"}));
  EXPECT_TRUE(SuggestionList("creator", {"drops", "status"}).empty());
  EXPECT_EQ(SuggestionList("file", {"file10", "file2"}), (Names{"file2", "file10"}))
      << "ties in natural order: 2 before 10";
  EXPECT_EQ(SuggestionList("item", {"item10", "item2", "item1"}),
            (Names{"item1", "item2", "item10"}));
}

TEST(DidYouMean, ListsUpToFiveAsGraphqlJsWordsIt) {
  EXPECT_EQ(DidYouMean({}), "");
  EXPECT_EQ(DidYouMean({"a"}), " Did you mean \"a\"?");
  EXPECT_EQ(DidYouMean({"a", "b"}), " Did you mean \"a\" or \"b\"?");
  EXPECT_EQ(DidYouMean({"a", "b", "c"}), " Did you mean \"a\", \"b\", or \"c\"?");
  EXPECT_EQ(DidYouMean({"a", "b", "c", "d", "e", "f"}),
            " Did you mean \"a\", \"b\", \"c\", \"d\", or \"e\"?");
  EXPECT_EQ(DidYouMean({"LIVE"}, "the enum value"), " Did you mean the enum value \"LIVE\"?");
}

TEST(Suggest, FieldsOfObjectsAndFragmentsOnAbstractTypes) {
  const auto schema = Schema::FromSdl(testing::kTestSdl);
  const NamedType& drop = *schema->FindType("Drop");
  EXPECT_EQ(SuggestField(*schema, drop, "titel"), " Did you mean \"title\"?");
  EXPECT_EQ(SuggestField(*schema, drop, "zzzzzz"), "");
  // A field of some of a union's types: use an inline fragment on them.
  const NamedType& result = *schema->FindType("SearchResult");
  EXPECT_EQ(SuggestField(*schema, result, "title"),
            " Did you mean to use an inline fragment on \"Drop\"?");
  EXPECT_EQ(SuggestType(*schema, "Dorp"), " Did you mean \"Drop\"?");
  EXPECT_EQ(SuggestEnumValue(*schema->FindType("Status"), "live"),
            " Did you mean the enum value \"LIVE\"?");
}

}  // namespace
}  // namespace livedrop::graphql
