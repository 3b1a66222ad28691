// The scheduler's loop on a scripted pass (no PostgreSQL): when it runs the next pass.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "drops_scheduler.h"

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A pass that answers from a script and records when it ran; tests wait on it, not on time.
class ScriptedPass {
 public:
  // Each call takes the next answer; past the script it answers "nothing due".
  void Then(std::function<SchedulerPass()> answer) { script_.push_back(std::move(answer)); }

  SchedulerPass operator()() {
    std::function<SchedulerPass()> answer;
    {
      std::lock_guard lock(mu_);
      runs_.push_back(Clock::now());
      if (runs_.size() <= script_.size()) answer = script_[runs_.size() - 1];
    }
    ran_.notify_all();
    return answer ? answer() : SchedulerPass{};
  }

  // Waits (at most `timeout`) until `n` passes ran; false on timeout.
  bool WaitForRuns(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    return ran_.wait_for(lock, timeout, [&] { return runs_.size() >= n; });
  }
  Clock::duration Between(std::size_t a, std::size_t b) {
    std::lock_guard lock(mu_);
    return runs_.at(b) - runs_.at(a);
  }

 private:
  std::vector<std::function<SchedulerPass()>> script_;
  std::mutex mu_;
  std::condition_variable ran_;
  std::vector<Clock::time_point> runs_;
};

TEST(DropsSchedulerLoop, Woken_RunsTheNextPassAtOnce) {
  ScriptedPass pass;
  DropsScheduler scheduler(/*max_sleep=*/60s);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(1));
  scheduler.Wake();
  EXPECT_TRUE(pass.WaitForRuns(2, 2s)) << "a wake-up waited for max_sleep";
  scheduler.Stop();
}

TEST(DropsSchedulerLoop, NextDueSoonerThanMaxSleep_RunsAtTheDueInstant) {
  ScriptedPass pass;
  pass.Then([] { return SchedulerPass{0, 0, Now() + 100ms}; });
  DropsScheduler scheduler(/*max_sleep=*/60s);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(2, 5s)) << "slept past the next due instant";
  EXPECT_GE(pass.Between(0, 1), 90ms) << "ran before the drop was due";
  scheduler.Stop();
}

TEST(DropsSchedulerLoop, NothingDue_SleepsMaxSleep) {
  ScriptedPass pass;
  DropsScheduler scheduler(/*max_sleep=*/100ms);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(2, 5s));
  EXPECT_GE(pass.Between(0, 1), 90ms);
  scheduler.Stop();
}

TEST(DropsSchedulerLoop, PassThrows_NextPassAfterTheRetryPause) {
  ScriptedPass pass;
  pass.Then([]() -> SchedulerPass { throw std::runtime_error("database down"); });
  DropsScheduler scheduler(/*max_sleep=*/60s, /*retry=*/100ms);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(2, 5s)) << "a failed pass was not retried";
  EXPECT_GE(pass.Between(0, 1), 90ms) << "retried without pausing";
  scheduler.Stop();
}

TEST(DropsSchedulerLoop, Passes_AddUpStartedAndEnded) {
  ScriptedPass pass;
  pass.Then([] { return SchedulerPass{2, 1, Now()}; });
  pass.Then([] { return SchedulerPass{1, 3, std::nullopt}; });
  DropsScheduler scheduler(/*max_sleep=*/60s);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(2));
  scheduler.Stop();
  EXPECT_EQ(scheduler.started(), 3u);
  EXPECT_EQ(scheduler.ended(), 4u);
}

TEST(DropsSchedulerLoop, Stop_ReturnsWithoutWaitingForMaxSleep) {
  ScriptedPass pass;
  DropsScheduler scheduler(/*max_sleep=*/60s);
  scheduler.Start([&] { return pass(); });
  ASSERT_TRUE(pass.WaitForRuns(1));
  const auto before = Clock::now();
  scheduler.Stop();
  EXPECT_LT(Clock::now() - before, 2s);
}

}  // namespace
}  // namespace livedrop::drops
