#include "livedrop/core/executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace livedrop {
namespace {

thread_local std::string tag;  // stands for a served call's context

// Carries `tag` from the posting thread to the pool thread.
Executor::Carry CarryTag() {
  return [](std::function<void()> task) {
    return [carried = tag, task = std::move(task)] {
      const std::string previous = tag;
      tag = carried;
      task();
      tag = previous;
    };
  };
}

TEST(Executor, PostRunsTheTaskOnAPoolThread) {
  Executor executor({"test", 2});
  std::promise<std::thread::id> ran;
  executor.Post([&] { ran.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
}

TEST(Executor, PostAfterRunsLaterTasksAfterEarlierOnes) {
  Executor executor({"test", 1});
  std::mutex mu;
  std::vector<int> order;
  std::promise<void> done;
  executor.PostAfter(std::chrono::milliseconds(60), [&] {
    std::lock_guard lock(mu);
    order.push_back(2);
    done.set_value();
  });
  executor.Post([&] {
    std::lock_guard lock(mu);
    order.push_back(1);
  });
  done.get_future().get();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Executor, ContinueRunsTheNextStepOnThePoolWithTheContextOfWhoAsked) {
  Executor executor({"test", 2}, CarryTag());
  tag = "request-7";
  std::promise<std::string> seen;
  Then<int> then = executor.Continue<int>([&](Reply<int> reply) {
    seen.set_value(tag + ":" + std::to_string(std::move(reply).Get()));
  });
  tag.clear();
  std::thread other([then] { then(Reply<int>::Of(42)); });  // a reply from elsewhere
  other.join();
  EXPECT_EQ(seen.get_future().get(), "request-7:42");
}

TEST(Executor, AFailedReplyRethrowsWhereItIsRead) {
  Executor executor({"test", 1});
  std::promise<std::string> seen;
  executor.Continue<int>([&](Reply<int> reply) {
    try {
      std::move(reply).Get();
      seen.set_value("no error");
    } catch (const std::runtime_error& e) {
      seen.set_value(e.what());
    }
  })(Reply<int>::Failed(std::make_exception_ptr(std::runtime_error("unavailable"))));
  EXPECT_EQ(seen.get_future().get(), "unavailable");
}

TEST(Executor, DestructionWaitsForARepliesStillOwed) {
  std::atomic<bool> continued{false};
  std::thread late;
  {
    Executor executor({"test", 1});
    Then<int> then = executor.Continue<int>([&](Reply<int>) { continued = true; });
    late = std::thread([then = std::move(then)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      then(Reply<int>::Of(1));
    });
  }  // the executor goes while the reply is owed: it waits for it
  EXPECT_TRUE(continued.load());
  late.join();
}

TEST(Executor, AReplyNeverCalledIsNotOwedOnceItIsGone) {
  Executor executor({"test", 1, std::chrono::seconds(30)});
  {
    Then<int> dropped = executor.Continue<int>([](Reply<int>) {});
  }
  // Nothing is owed: destruction does not wait out the drain (the test's own timeout would).
}

TEST(Executor, AwaitReturnsTheValueOrRethrows) {
  Executor executor({"test", 1});
  EXPECT_EQ(Await<int>([&](Then<int> then) { executor.Post([then] { then(Reply<int>::Of(5)); }); }),
            5);
  EXPECT_THROW(Await<int>([](Then<int> then) {
                 then(Reply<int>::From([]() -> int { throw std::runtime_error("no"); }));
               }),
               std::runtime_error);
}

}  // namespace
}  // namespace livedrop
