#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop {

struct CoalescerOptions {
  std::size_t max_batch = 256;    // requests one run takes at most
  std::size_t max_queued = 1024;  // waiting per lane; beyond it: overloaded
};

// Coalesces concurrent requests of the same lane (a key: a drop, a table) into shared runs —
// one transaction for many callers — because one transaction per request would queue every
// caller on the same row lock or pay one commit each.
//
// A caller submits its request and waits for its own outcome. There are no worker threads:
// when nobody is running a batch for the lane, the caller runs one itself (the "leader"),
// taking everything queued (up to max_batch) — its own request first — into one call of
// `run`. Requests that arrive meanwhile queue up and form the next batch, led by the oldest
// of them once the current batch is done. So at most one batch per lane runs at a time in
// this process, batches grow by themselves under load and are of one when it is quiet, and
// the work runs on threads the caller already bounds (gRPC's handler pool).
//
// `run` gets the batch in arrival order and returns one outcome per request; if it throws,
// every request of the batch gets that exception (a run that must not fail the whole batch
// for one bad request isolates it itself). More than max_queued waiting in one lane is refused
// with Error(kResourceExhausted, "overloaded") before anything is done.
template <class Request, class Outcome>
class Coalescer {
 public:
  using Run =
      std::function<std::vector<Outcome>(const std::string& lane, std::vector<Request>& batch)>;
  // Optional observers, for metrics: each batch's size; each refusal.
  struct Hooks {
    std::function<void(std::size_t)> batch_ran;
    std::function<void()> overloaded;
  };

  Coalescer(CoalescerOptions options, Run run, Hooks hooks = {})
      : options_(options), run_(std::move(run)), hooks_(std::move(hooks)) {
    if (options_.max_batch < 1) options_.max_batch = 1;
    if (options_.max_queued < 1) options_.max_queued = 1;
  }
  Coalescer(const Coalescer&) = delete;
  Coalescer& operator=(const Coalescer&) = delete;

  // Blocks until the request's batch has run; returns its outcome or rethrows the batch's
  // exception.
  Outcome Submit(const std::string& lane_key, Request request) {
    std::unique_lock lock(mutex_);
    auto& slot = lanes_[lane_key];
    if (!slot) slot = std::make_unique<Lane>();
    Lane& lane = *slot;
    if (lane.queue.size() >= options_.max_queued) {
      if (hooks_.overloaded) hooks_.overloaded();
      throw Error(ErrorKind::kResourceExhausted, "overloaded",
                  "too many requests at once; retry shortly");
    }
    Item item{std::move(request)};
    lane.queue.push_back(&item);
    if (!lane.running) {
      lane.running = true;
      item.lead = true;
    }
    item.cv.wait(lock, [&] { return item.done || item.lead; });
    if (!item.done) Lead(lock, lane_key, lane);
    if (item.failure) std::rethrow_exception(item.failure);
    return std::move(*item.outcome);
  }

  // Requests of the lane waiting for a batch (not counting the batch running).
  std::size_t Waiting(const std::string& lane_key) {
    std::lock_guard lock(mutex_);
    const auto it = lanes_.find(lane_key);
    return it == lanes_.end() ? 0 : it->second->queue.size();
  }

 private:
  struct Item {
    Request request;
    std::optional<Outcome> outcome;
    std::exception_ptr failure;
    bool done = false;
    bool lead = false;  // this item's caller runs the next batch
    std::condition_variable cv;
  };
  struct Lane {
    std::deque<Item*> queue;  // waiting, oldest first; the items live on their callers' stacks
    bool running = false;     // a leader is running a batch; queue non-empty implies running
  };

  // Runs one batch headed by the caller's own item, delivers every outcome, and hands the
  // lane to the oldest waiter (or closes it). Called and returns with the lock held.
  void Lead(std::unique_lock<std::mutex>& lock, const std::string& lane_key, Lane& lane) {
    std::vector<Item*> batch;
    std::vector<Request> requests;
    while (!lane.queue.empty() && batch.size() < options_.max_batch) {
      batch.push_back(lane.queue.front());
      requests.push_back(std::move(batch.back()->request));
      lane.queue.pop_front();
    }
    lock.unlock();
    std::vector<Outcome> outcomes;
    std::exception_ptr failure;
    try {
      outcomes = run_(lane_key, requests);
      if (outcomes.size() != batch.size()) {
        throw std::logic_error("a coalesced run returned the wrong number of outcomes");
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (hooks_.batch_ran) hooks_.batch_ran(batch.size());
    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Item& item = *batch[i];
      item.done = true;
      if (failure) {
        item.failure = failure;
      } else {
        item.outcome.emplace(std::move(outcomes[i]));
      }
      item.cv.notify_one();
    }
    if (!lane.queue.empty()) {
      lane.queue.front()->lead = true;
      lane.queue.front()->cv.notify_one();
    } else {
      lane.running = false;
      lanes_.erase(lane_key);
    }
  }

  CoalescerOptions options_;
  Run run_;
  Hooks hooks_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Lane>> lanes_;  // only lanes with work
};

}  // namespace livedrop
