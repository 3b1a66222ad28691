#include "livedrop/core/in_flight_limit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace livedrop {
namespace {

TEST(InFlightLimit, PastTheLimitACallIsAnsweredOverloaded_AndAnAnswerGivesItsPlaceBack) {
  InFlightLimit limit(2, "things being done");
  std::vector<std::string> answers;
  const auto record = [&](Reply<int> reply) {
    try {
      answers.push_back(std::to_string(std::move(reply).Get()));
    } catch (const Error& e) {
      answers.push_back(e.code());
    }
  };
  Then<int> first = limit.Admit<int>(record);
  Then<int> second = limit.Admit<int>(record);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(limit.in_flight(), 2);
  EXPECT_FALSE(limit.Admit<int>(record));  // answered at once
  EXPECT_EQ(answers, std::vector<std::string>{"overloaded"});
  first(Reply<int>::Of(1));
  EXPECT_EQ(limit.in_flight(), 1);
  Then<int> third = limit.Admit<int>(record);
  ASSERT_TRUE(third);
  second(Reply<int>::Of(2));
  third(Reply<int>::Of(3));
  EXPECT_EQ(answers, (std::vector<std::string>{"overloaded", "1", "2", "3"}));
  EXPECT_EQ(limit.in_flight(), 0);
}

}  // namespace
}  // namespace livedrop
