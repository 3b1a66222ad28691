// StockBatcher without a database: who runs which batch, what each caller gets back, bounds.
#include "stock_batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "livedrop/testing/errors.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::inventory {
namespace {

using namespace std::chrono_literals;

StockRequest Request(int i) {
  return StockRequest{StockRequest::Kind::kReserve, "order-" + std::to_string(i), "buyer", 1};
}

// A batch runner that holds its first batch until released and records every batch.
class Runner {
 public:
  std::vector<StockOutcome> operator()(const std::string&, const std::vector<StockRequest>& batch) {
    std::unique_lock lock(mutex_);
    batches_.push_back(batch);
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    if (fail_) throw std::runtime_error("batch failed");
    std::vector<StockOutcome> out;
    for (const auto& r : batch) {
      StockOutcome o;
      o.reservation = ReservationRow{r.order_id, "drop", r.buyer_id, r.quantity};
      out.push_back(o);
    }
    return out;
  }
  void Open(bool fail = false) {
    std::lock_guard lock(mutex_);
    open_ = true;
    fail_ = fail;
    cv_.notify_all();
  }
  void WaitForBatches(std::size_t n) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return batches_.size() >= n; });
  }
  std::vector<std::vector<StockRequest>> Batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false, fail_ = false;
  std::vector<std::vector<StockRequest>> batches_;
};

void WaitUntilWaiting(StockBatcher& batcher, std::size_t n) {
  testing::Eventually([&] { return batcher.Waiting("drop") >= n; }, 10s, 1ms);
  ASSERT_EQ(batcher.Waiting("drop"), n);
}

TEST(StockBatcherTest, RequestsArrivingDuringABatch_RunTogetherInTheNextOne) {
  Runner runner;
  StockBatcher batcher({256, 1024}, std::ref(runner));
  std::vector<std::string> got(11);
  std::vector<std::thread> threads;
  threads.emplace_back([&] { got[0] = batcher.Submit("drop", Request(0)).reservation->order_id; });
  runner.WaitForBatches(1);
  for (int i = 1; i <= 10; ++i) {
    threads.emplace_back(
        [&, i] { got[i] = batcher.Submit("drop", Request(i)).reservation->order_id; });
  }
  WaitUntilWaiting(batcher, 10);
  runner.Open();
  for (auto& t : threads) t.join();
  const auto batches = runner.Batches();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].size(), 1u);
  EXPECT_EQ(batches[1].size(), 10u);
  for (int i = 0; i <= 10; ++i) EXPECT_EQ(got[i], "order-" + std::to_string(i));  // its own
}

TEST(StockBatcherTest, BatchesAreCappedAtMaxBatch) {
  Runner runner;
  StockBatcher batcher({4, 1024}, std::ref(runner));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { batcher.Submit("drop", Request(0)); });
  runner.WaitForBatches(1);
  for (int i = 1; i <= 10; ++i)
    threads.emplace_back([&, i] { batcher.Submit("drop", Request(i)); });
  WaitUntilWaiting(batcher, 10);
  runner.Open();
  for (auto& t : threads) t.join();
  std::size_t total = 0;
  for (const auto& b : runner.Batches()) {
    EXPECT_LE(b.size(), 4u);
    total += b.size();
  }
  EXPECT_EQ(total, 11u);
}

TEST(StockBatcherTest, DifferentDrops_DoNotWaitForEachOther) {
  Runner runner;
  StockBatcher batcher({256, 1024}, std::ref(runner));
  std::thread a([&] { batcher.Submit("drop-a", Request(0)); });
  std::thread b([&] { batcher.Submit("drop-b", Request(1)); });
  runner.WaitForBatches(2);  // both run at once: neither queued behind the other
  runner.Open();
  a.join();
  b.join();
}

TEST(StockBatcherTest, FullQueue_AnswersOverloadedAtOnce) {
  Runner runner;
  StockBatcher batcher({256, 2}, std::ref(runner));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { batcher.Submit("drop", Request(0)); });
  runner.WaitForBatches(1);
  for (int i = 1; i <= 2; ++i) threads.emplace_back([&, i] { batcher.Submit("drop", Request(i)); });
  WaitUntilWaiting(batcher, 2);
  EXPECT_EQ(testing::ErrorCodeOf([&] { batcher.Submit("drop", Request(3)); }), "overloaded");
  runner.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(testing::ErrorCodeOf([&] { batcher.Submit("drop", Request(4)); }), "none");
}

TEST(StockBatcherTest, AFailedBatch_FailsItsOwnCallersOnly) {
  Runner runner;
  StockBatcher batcher({256, 1024}, std::ref(runner));
  std::atomic<int> failed{0};
  std::thread first([&] {
    try {
      batcher.Submit("drop", Request(0));
    } catch (const std::runtime_error&) {
      failed++;
    }
  });
  runner.WaitForBatches(1);
  runner.Open(/*fail=*/true);
  first.join();
  EXPECT_EQ(failed.load(), 1);
  runner.Open(/*fail=*/false);
  EXPECT_EQ(batcher.Submit("drop", Request(1)).reservation->order_id, "order-1");
}

}  // namespace
}  // namespace livedrop::inventory
