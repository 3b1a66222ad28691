#include "stock_batcher.h"

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

StockBatcher::StockBatcher(StockBatcherOptions options, Run run)
    : coalescer_(
          options,
          [run = std::move(run)](const std::string& drop_id, std::vector<StockRequest>& batch) {
            return run(drop_id, batch);
          },
          {[](std::size_t n) { BatchSizes().Observe(static_cast<double>(n)); },
           [] { Overloaded().Inc(); }}) {
  Overloaded();  // exported at 0 from the start, so alerts and dashboards see it before a refusal
}

StockBatcher::~StockBatcher() = default;

StockOutcome StockBatcher::Submit(const std::string& drop_id, StockRequest request) {
  return coalescer_.Submit(drop_id, std::move(request));
}

std::size_t StockBatcher::Waiting(const std::string& drop_id) {
  return coalescer_.Waiting(drop_id);
}

}  // namespace livedrop::inventory
