// The waiting helpers every test uses instead of sleeping: they return as soon as the condition
// holds and give up at the timeout.
#include "livedrop/testing/eventually.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <thread>

namespace livedrop::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Eventually, ConditionAlreadyTrue_ReturnsTrueWithoutPolling) {
  int calls = 0;
  const auto start = Clock::now();
  EXPECT_TRUE(Eventually([&] { return ++calls > 0; }, 5s));
  EXPECT_EQ(calls, 1);
  EXPECT_LT(Clock::now() - start, 100ms);
}

TEST(Eventually, ConditionBecomingTrue_ReturnsSoonAfterNotAtTheTimeout) {
  const auto start = Clock::now();
  EXPECT_TRUE(Eventually([&] { return Clock::now() - start >= 100ms; }, 10s, 5ms));
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 2s);
}

TEST(Eventually, ConditionSetByAnotherThread_IsSeen) {
  std::atomic<bool> done{false};
  std::thread setter([&] {
    Idle(50ms, "the other thread is slow");
    done = true;
  });
  EXPECT_TRUE(Eventually([&] { return done.load(); }, 10s));
  setter.join();
}

TEST(Eventually, ConditionNeverTrue_ReturnsFalseAtTheTimeout) {
  int calls = 0;
  const auto start = Clock::now();
  EXPECT_FALSE(Eventually(
      [&] {
        ++calls;
        return false;
      },
      150ms, 10ms));
  const auto waited = Clock::now() - start;
  EXPECT_GE(waited, 150ms);
  EXPECT_LT(waited, 2s);
  EXPECT_GE(calls, 3);  // polled along the way, and once more at the deadline
}

TEST(Eventually, ZeroTimeout_LooksOnce) {
  int calls = 0;
  EXPECT_FALSE(Eventually(
      [&] {
        ++calls;
        return false;
      },
      0ms));
  EXPECT_EQ(calls, 1);
}

TEST(EventuallyValue, ProbeWithAValue_ReturnsTheFirstValue) {
  int calls = 0;
  const auto value = EventuallyValue(
      [&]() -> std::optional<int> {
        ++calls;
        return calls >= 3 ? std::optional<int>(calls * 10) : std::nullopt;
      },
      10s, 1ms);
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, 30);
  EXPECT_EQ(calls, 3);
}

TEST(EventuallyValue, ProbeWithoutAValue_ReturnsNulloptAtTheTimeout) {
  const auto value = EventuallyValue([]() -> std::optional<int> { return std::nullopt; }, 50ms);
  EXPECT_FALSE(value.has_value());
}

TEST(Idle, LetsTheDurationPass) {
  const auto start = Clock::now();
  Idle(60ms, "the duration is the behaviour under test");
  EXPECT_GE(Clock::now() - start, 60ms);
}

}  // namespace
}  // namespace livedrop::testing
