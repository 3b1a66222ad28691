#include "stock_batcher.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <stdexcept>

#include "livedrop/metrics/registry.h"

namespace livedrop::inventory {
namespace {

metrics::Histogram& BatchSizes() {
  static auto& histogram = metrics::Registry::Default().GetHistogram(
      "livedrop_inventory_batch_size", "Stock requests applied per transaction",
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
}

metrics::Counter& Overloaded() {
  static auto& counter = metrics::Registry::Default().GetCounter(
      "livedrop_inventory_overloaded_total",
      "Stock requests refused because too many were already waiting for the same drop");
  return counter;
}

}  // namespace

struct StockBatcher::Item {
  StockRequest request;
  std::optional<StockOutcome> outcome;
  std::exception_ptr failure;
  bool done = false;
  bool lead = false;  // this item's caller runs the next batch
  std::condition_variable cv;
};

struct StockBatcher::Lane {
  std::deque<Item*> queue;  // waiting, oldest first; the items live on their callers' stacks
  bool running = false;     // a leader is running a batch; queue non-empty implies running
};

StockBatcher::StockBatcher(StockBatcherOptions options, Run run)
    : options_(options), run_(std::move(run)) {
  if (options_.max_batch < 1) options_.max_batch = 1;
  if (options_.max_queued < 1) options_.max_queued = 1;
}

StockBatcher::~StockBatcher() = default;

StockOutcome StockBatcher::Submit(const std::string& drop_id, StockRequest request) {
  std::unique_lock lock(mutex_);
  auto& slot = lanes_[drop_id];
  if (!slot) slot = std::make_unique<Lane>();
  Lane& lane = *slot;
  if (lane.queue.size() >= options_.max_queued) {
    Overloaded().Inc();
    throw Error(ErrorKind::kResourceExhausted, "overloaded",
                "too many requests for this drop at once; retry shortly");
  }
  Item item;
  item.request = std::move(request);
  lane.queue.push_back(&item);
  if (!lane.running) {
    lane.running = true;
    item.lead = true;
  }
  item.cv.wait(lock, [&] { return item.done || item.lead; });
  if (!item.done) Lead(lock, drop_id, lane);
  if (item.failure) std::rethrow_exception(item.failure);
  return std::move(*item.outcome);
}

std::size_t StockBatcher::Waiting(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  const auto it = lanes_.find(drop_id);
  return it == lanes_.end() ? 0 : it->second->queue.size();
}

// Runs one batch headed by the caller's own item, delivers every outcome, and hands the lane
// to the oldest waiter (or closes it). Called and returns with the lock held.
void StockBatcher::Lead(std::unique_lock<std::mutex>& lock, const std::string& drop_id,
                        Lane& lane) {
  std::vector<Item*> batch;
  std::vector<StockRequest> requests;
  while (!lane.queue.empty() && batch.size() < options_.max_batch) {
    batch.push_back(lane.queue.front());
    requests.push_back(batch.back()->request);
    lane.queue.pop_front();
  }
  lock.unlock();
  std::vector<StockOutcome> outcomes;
  std::exception_ptr failure;
  try {
    outcomes = run_(drop_id, requests);
    if (outcomes.size() != requests.size()) {
      throw std::logic_error("stock batch returned the wrong number of outcomes");
    }
  } catch (...) {
    failure = std::current_exception();
  }
  BatchSizes().Observe(static_cast<double>(batch.size()));
  lock.lock();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Item& item = *batch[i];
    item.done = true;
    if (failure) {
      item.failure = failure;
    } else {
      item.outcome = std::move(outcomes[i]);
    }
    item.cv.notify_one();
  }
  if (!lane.queue.empty()) {
    lane.queue.front()->lead = true;
    lane.queue.front()->cv.notify_one();
  } else {
    lane.running = false;
    lanes_.erase(drop_id);
  }
}

}  // namespace livedrop::inventory
