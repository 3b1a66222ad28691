#include "stock_publisher.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/periodic.h"
#include "livedrop/core/time.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/producer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::inventory {

StockCoalescer::StockCoalescer(std::chrono::milliseconds interval) : interval_(interval) {}

std::optional<StockRow> StockCoalescer::Offer(const StockRow& row, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, added] = drops_.try_emplace(row.drop_id);
  auto& drop = it->second;
  if (added || now - drop.last_sent >= interval_) {
    drop.last_sent = now;
    drop.pending.reset();
    return row;
  }
  if (!drop.pending) drop.pending_since = now;
  if (!drop.pending || drop.pending->version < row.version) drop.pending = row;
  return std::nullopt;
}

std::vector<StockCoalescer::DueRow> StockCoalescer::Due(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<DueRow> due;
  for (auto it = drops_.begin(); it != drops_.end();) {
    auto& drop = it->second;
    if (now - drop.last_sent < interval_) {
      ++it;
    } else if (drop.pending) {
      due.push_back(DueRow{std::move(*drop.pending), drop.pending_since});
      drop.pending.reset();
      drop.last_sent = now;
      ++it;
    } else {
      it = drops_.erase(it);
    }
  }
  return due;
}

StockPublisher::StockPublisher(kafka::Producer& producer, std::chrono::milliseconds interval)
    : producer_(producer),
      coalescer_(interval),
      flusher_(std::make_unique<Periodic>("stock_changed flush", interval, [this] {
        for (const auto& due : coalescer_.Due(StockCoalescer::Clock::now())) {
          Publish(due.row, due.first_change);
        }
      })) {}

StockPublisher::~StockPublisher() { Stop(); }

void StockPublisher::Start() { flusher_->Start(); }

void StockPublisher::Stop() { flusher_->Stop(); }

void StockPublisher::Changed(const StockRow& after) {
  const auto now = StockCoalescer::Clock::now();
  if (auto row = coalescer_.Offer(after, now)) Publish(*row, now);
}

void StockPublisher::Publish(const StockRow& row, StockCoalescer::Clock::time_point changed_at) {
  static auto& failed = metrics::Registry::Default().GetCounter(
      "livedrop_inventory_stock_events_failed_total",
      "stock_changed snapshots not handed to Kafka (readers' TTL makes them good)");
  v1::StockChanged e;
  e.set_drop_id(row.drop_id);
  e.set_available(row.available);
  e.set_total(row.total);
  e.set_version(row.version);
  // The steady clock measured the wait; the wall clock is what another process can compare.
  const auto waited = StockCoalescer::Clock::now() - changed_at;
  rpc::SetTimestamp(std::chrono::time_point_cast<TimePoint::duration>(Now() - waited),
                    e.mutable_changed_at());
  try {
    const auto envelope =
        kafka::MakeEnvelope(event_types::kStockChanged, "livedrop-inventory", row.drop_id, e);
    producer_.Produce(topics::kStock, row.drop_id, kafka::SerializeEnvelope(envelope));
  } catch (const std::exception& ex) {
    failed.Inc();
    spdlog::debug("stock_changed for drop {} not published: {}", row.drop_id, ex.what());
  }
}

}  // namespace livedrop::inventory
