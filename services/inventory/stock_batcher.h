#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "inventory_logic.h"
#include "livedrop/core/coalescer.h"

namespace livedrop::inventory {

using StockBatcherOptions = CoalescerOptions;

// Coalesces concurrent stock mutations of the same drop into shared transactions, because
// one transaction per request would queue every buyer of a hot drop on its stock row lock:
// a Coalescer (livedrop/core/coalescer.h: leader/follower, a bounded queue, no threads of its
// own) with one lane per drop, and its batch sizes and refusals as metrics.
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
  Coalescer<StockRequest, StockOutcome> coalescer_;
};

}  // namespace livedrop::inventory
