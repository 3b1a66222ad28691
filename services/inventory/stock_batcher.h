#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "inventory_logic.h"

namespace livedrop::inventory {

struct StockBatcherOptions {
  std::size_t max_batch = 256;    // requests one transaction takes at most
  std::size_t max_queued = 1024;  // waiting per drop; beyond it: overloaded
};

// Coalesces concurrent stock mutations of the same drop into shared transactions, because
// one transaction per request would queue every buyer of a hot drop on its stock row lock.
//
// A caller enqueues its request and waits for its own outcome. There are no worker threads:
// when nobody is running a batch for the drop, the caller runs one itself (the "leader"),
// taking everything queued (up to max_batch) — its own request first — into one call of
// `run`. Requests that arrive meanwhile queue up and form the next batch, led by the oldest
// of them once the current batch is done. So at most one batch per drop runs at a time in
// this process, batches grow by themselves under load and are of one when it is quiet, and
// the work runs on threads the caller already bounds (gRPC's handler pool).
//
// `run` gets the batch in arrival order and returns one outcome per request; if it throws,
// every request of the batch gets that exception. More than max_queued waiting for one drop
// is refused with Error(kResourceExhausted, "overloaded") before anything is done.
class StockBatcher {
 public:
  using Run = std::function<std::vector<StockOutcome>(const std::string& drop_id,
                                                      const std::vector<StockRequest>& batch)>;

  StockBatcher(StockBatcherOptions options, Run run);
  ~StockBatcher();
  StockBatcher(const StockBatcher&) = delete;
  StockBatcher& operator=(const StockBatcher&) = delete;

  // Blocks until the request's batch has run; returns its outcome or rethrows the batch's
  // exception.
  StockOutcome Submit(const std::string& drop_id, StockRequest request);
  // Requests of the drop waiting for a batch (not counting the batch running).
  std::size_t Waiting(const std::string& drop_id);

 private:
  struct Item;
  struct Lane;
  void Lead(std::unique_lock<std::mutex>& lock, const std::string& drop_id, Lane& lane);

  StockBatcherOptions options_;
  Run run_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Lane>> lanes_;  // only drops with work
};

}  // namespace livedrop::inventory
