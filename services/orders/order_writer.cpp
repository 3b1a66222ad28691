#include "order_writer.h"

#include <algorithm>
#include <functional>
#include <pqxx/pqxx>
#include <unordered_set>

#include "livedrop/grpc/call.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/batch_writes.h"
#include "livedrop/pg/pool.h"
#include "orders_events.h"

namespace livedrop::orders {
namespace {

metrics::Histogram& BatchSizes() {
  static auto& histogram = metrics::Registry::Default().GetHistogram(
      "livedrop_orders_write_batch_size", "Order writes (places, stage changes) per commit",
      {1, 2, 4, 8, 16, 32, 64, 128, 256});
  return histogram;
}

metrics::Counter& Overloaded() {
  static auto& counter = metrics::Registry::Default().GetCounter(
      "livedrop_orders_write_overloaded_total",
      "Order writes refused because too many were already waiting");
  return counter;
}

// The writes of one transaction, kind by kind; `out` gets each write's row or key.
void Apply(pqxx::work& tx, std::vector<OrderWrite>& batch, std::vector<OrderWriteOutcome>& out,
           std::chrono::milliseconds lease) {
  std::vector<std::size_t> places;
  std::vector<OrdersStore::KeyClaim> claims;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (const auto* p = std::get_if<PlaceWrite>(&batch[i].what)) {
      places.push_back(i);
      claims.push_back({p->order.buyer_id, p->key, p->request_hash, p->order.id});
    }
  }
  std::vector<events::v1::Envelope> events;
  if (!places.empty()) {
    const auto held = OrdersStore::ClaimKeys(tx, claims);
    std::vector<std::size_t> fresh;
    std::vector<OrderRow> orders;
    for (std::size_t j = 0; j < places.size(); ++j) {
      if (held[j]) {
        out[places[j]].existing_key = held[j];
      } else {
        fresh.push_back(places[j]);
        orders.push_back(std::get<PlaceWrite>(batch[places[j]].what).order);
      }
    }
    if (!orders.empty()) {
      auto rows = OrdersStore::InsertMany(tx, orders, lease);
      for (std::size_t j = 0; j < fresh.size(); ++j) {
        events.push_back(OrderPlacedEvent(rows[j], batch[fresh[j]].trace_parent));
        out[fresh[j]].row = std::move(rows[j]);
      }
    }
  }

  // Stage changes, in rounds of distinct orders (one UPDATE touches a row once): a second
  // change of the same order in one batch sees the first one's result, as it would one batch
  // later.
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (std::holds_alternative<MoveWrite>(batch[i].what)) pending.push_back(i);
  }
  while (!pending.empty()) {
    std::vector<std::size_t> round, later;
    std::unordered_set<std::string> ids;
    std::vector<OrdersStore::StageMove> moves;
    for (const auto i : pending) {
      const auto& m = std::get<MoveWrite>(batch[i].what);
      if (!ids.insert(m.order.id).second) {
        later.push_back(i);
        continue;
      }
      round.push_back(i);
      moves.push_back({m.order.id, m.order.stage, m.to, m.status, m.failure_code});
    }
    auto rows = OrdersStore::AdvanceMany(tx, moves, lease);
    for (std::size_t j = 0; j < round.size(); ++j) {
      if (rows[j] && rows[j]->stage == Stage::kDone) {
        events.push_back(OrderOutcomeEvent(*rows[j], batch[round[j]].trace_parent));
      }
      out[round[j]].row = std::move(rows[j]);
    }
    pending = std::move(later);
  }
  kafka::EnqueueEvents(tx, kOrdersTopic, events);
}

}  // namespace

OrderWriter::OrderWriter(pg::Pool& pool, std::chrono::milliseconds lease, CoalescerOptions options,
                         int lanes)
    : pool_(pool),
      lease_(lease),
      lanes_(static_cast<std::size_t>(std::max(lanes, 1))),
      coalescer_(std::make_unique<Coalescer<OrderWrite, OrderWriteOutcome>>(
          options,
          [this](const std::string&, std::vector<OrderWrite>& batch) { return RunBatch(batch); },
          Coalescer<OrderWrite, OrderWriteOutcome>::Hooks{
              [](std::size_t n) { BatchSizes().Observe(static_cast<double>(n)); },
              [] { Overloaded().Inc(); }})) {
  for (std::size_t i = 0; i < lanes_.size(); ++i) lanes_[i] = "lane-" + std::to_string(i);
}

OrderWriter::~OrderWriter() = default;

std::vector<OrderWriteOutcome> OrderWriter::RunTogether(std::vector<OrderWrite>& batch) {
  return pool_.Transact([&](pqxx::work& tx) {
    std::vector<OrderWriteOutcome> out(batch.size());
    Apply(tx, batch, out, lease_);
    return out;
  });
}

std::vector<OrderWriteOutcome> OrderWriter::RunBatch(std::vector<OrderWrite>& batch) {
  // A write the database refuses (a constraint of one order) fails alone.
  return pg::RunTogetherOrEachAlone(
      batch, [this](std::vector<OrderWrite>& writes) { return RunTogether(writes); });
}

OrderWriteOutcome OrderWriter::Submit(const std::string& spread_by, OrderWrite write) {
  const auto& lane = lanes_[std::hash<std::string>{}(spread_by) % lanes_.size()];
  auto outcome = coalescer_->Submit(lane, std::move(write));
  if (outcome.failure) std::rethrow_exception(outcome.failure);
  return outcome;
}

std::variant<OrderRow, OrdersStore::KeyRow> OrderWriter::Place(PlaceWrite write) {
  const std::string buyer = write.order.buyer_id;
  auto outcome = Submit(buyer, OrderWrite{std::move(write), rpc::CurrentTraceParent()});
  if (outcome.existing_key) return *outcome.existing_key;
  return std::move(*outcome.row);
}

std::optional<OrderRow> OrderWriter::Advance(MoveWrite write) {
  const std::string id = write.order.id;
  return Submit(id, OrderWrite{std::move(write), rpc::CurrentTraceParent()}).row;
}

}  // namespace livedrop::orders
