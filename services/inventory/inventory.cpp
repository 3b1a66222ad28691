#include "inventory.h"

#include <pqxx/pqxx>

#include "inventory_logic.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/pg/pool.h"

namespace livedrop::inventory {
namespace {

constexpr char kTopic[] = "livedrop.inventory";

void Emit(pqxx::transaction_base& tx, const std::string& type, const StockRow& s) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  auto enqueue = [&](const google::protobuf::Message& payload) {
    kafka::EnqueueEvent(tx, kTopic,
                        kafka::MakeEnvelope(type, rpc::ServiceName(), s.drop_id, payload, trace));
  };
  if (type == "sold_out") {
    v1::SoldOut e;
    e.set_drop_id(s.drop_id);
    enqueue(e);
  } else if (type == "low_stock") {
    v1::LowStock e;
    e.set_drop_id(s.drop_id);
    e.set_available(s.available);
    e.set_total(s.total);
    enqueue(e);
  } else {
    v1::Restocked e;
    e.set_drop_id(s.drop_id);
    e.set_available(s.available);
    enqueue(e);
  }
}

// Applies a stock change and writes the events it causes.
StockRow Apply(pqxx::transaction_base& tx, const StockRow& before, int d_available,
               int d_reserved, int d_sold) {
  const StockRow after = InventoryStore::Adjust(tx, before.drop_id, d_available, d_reserved, d_sold);
  for (const auto& event : EventsFor(before, after)) {
    Emit(tx, event, after);
    if (event == "low_stock") InventoryStore::MarkLowStockSent(tx, after.drop_id, true);
  }
  return after;
}

Error NoReservation() { return NotFoundError("reservation"); }

}  // namespace

Inventory::Inventory(pg::Pool& pool, InventoryOptions options)
    : pool_(pool), options_(options) {}

bool Inventory::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  const auto it = sold_out_until_.find(drop_id);
  return it != sold_out_until_.end() && std::chrono::steady_clock::now() < it->second;
}

void Inventory::RememberSoldOut(const std::string& drop_id, bool sold_out) {
  std::lock_guard lock(mutex_);
  if (sold_out) {
    sold_out_until_[drop_id] = std::chrono::steady_clock::now() + options_.sold_out_memory;
  } else {
    sold_out_until_.erase(drop_id);
  }
}

StockRow Inventory::CreateStock(const std::string& drop_id, int total, int per_buyer_limit) {
  if (total < 1) throw ValidationError("total", "total must be positive");
  if (per_buyer_limit < 1 || per_buyer_limit > total) {
    throw ValidationError("per_buyer_limit", "per_buyer_limit must be between 1 and total");
  }
  return pool_.Transact([&](pqxx::work& tx) {
    InventoryStore::CreateStock(
        tx, StockRow{drop_id, total, total, 0, 0, per_buyer_limit,
                     DefaultLowStockThreshold(total, options_.low_stock_percent), false});
    return *InventoryStore::FindStock(tx, drop_id);
  });
}

StockRow Inventory::GetStock(const std::string& drop_id) {
  const auto stock =
      pool_.Transact([&](pqxx::work& tx) { return InventoryStore::FindStock(tx, drop_id); });
  if (!stock) throw NotFoundError("stock");
  return *stock;
}

ReservationRow Inventory::Reserve(const std::string& drop_id, const std::string& order_id,
                                  const std::string& buyer_id, int quantity) {
  if (KnownSoldOut(drop_id)) {
    // A retry of an order that did get stock must still see its reservation.
    const auto existing = pool_.Transact(
        [&](pqxx::work& tx) { return InventoryStore::FindReservation(tx, order_id); });
    if (existing) return *existing;
    throw Error(ErrorKind::kFailedPrecondition, "sold_out", "the drop is sold out");
  }
  bool sold_out_now = false;
  const auto reservation = pool_.Transact([&](pqxx::work& tx) {
    if (auto existing = InventoryStore::FindReservation(tx, order_id)) return *existing;
    const auto stock = InventoryStore::LockStock(tx, drop_id);
    if (!stock) throw NotFoundError("stock");
    if (stock->available == 0) sold_out_now = true;
    CheckReserve(*stock, InventoryStore::HeldOrBought(tx, drop_id, buyer_id), quantity);
    const auto after = Apply(tx, *stock, -quantity, +quantity, 0);
    sold_out_now = after.available == 0;
    const ReservationRow row{order_id, drop_id, buyer_id, quantity, ReservationState::kHeld,
                             Now() + std::chrono::duration_cast<std::chrono::microseconds>(
                                         options_.hold)};
    InventoryStore::InsertReservation(tx, row);
    return row;
  });
  if (sold_out_now) RememberSoldOut(drop_id, true);
  return reservation;
}

ReservationRow Inventory::Confirm(const std::string& order_id) {
  return pool_.Transact([&](pqxx::work& tx) {
    auto r = InventoryStore::FindReservation(tx, order_id, /*for_update=*/true);
    if (!r) throw NoReservation();
    if (r->state == ReservationState::kConfirmed) return *r;
    if (r->state != ReservationState::kHeld) {
      throw Error(ErrorKind::kFailedPrecondition, "reservation_not_held",
                  std::string("the reservation was ") + StateName(r->state));
    }
    const auto stock = InventoryStore::LockStock(tx, r->drop_id);
    Apply(tx, *stock, 0, -r->quantity, +r->quantity);
    InventoryStore::SetState(tx, order_id, ReservationState::kConfirmed);
    r->state = ReservationState::kConfirmed;
    return *r;
  });
}

void Inventory::ReturnStock(pqxx::transaction_base& tx, const ReservationRow& r,
                            ReservationState to) {
  const auto stock = InventoryStore::LockStock(tx, r.drop_id);
  Apply(tx, *stock, +r.quantity, -r.quantity, 0);
  InventoryStore::SetState(tx, r.order_id, to);
}

ReservationRow Inventory::Release(const std::string& order_id) {
  auto released = pool_.Transact([&](pqxx::work& tx) {
    auto r = InventoryStore::FindReservation(tx, order_id, /*for_update=*/true);
    if (!r) throw NoReservation();
    if (r->state == ReservationState::kReleased || r->state == ReservationState::kExpired) {
      return *r;
    }
    if (r->state == ReservationState::kConfirmed) {
      throw Error(ErrorKind::kFailedPrecondition, "reservation_confirmed",
                  "a confirmed reservation cannot be released");
    }
    ReturnStock(tx, *r, ReservationState::kReleased);
    r->state = ReservationState::kReleased;
    return *r;
  });
  RememberSoldOut(released.drop_id, false);
  return released;
}

int Inventory::ExpireDue(int limit) {
  const auto expired = pool_.Transact([&](pqxx::work& tx) {
    auto rows = InventoryStore::LockExpired(tx, limit);
    for (const auto& r : rows) ReturnStock(tx, r, ReservationState::kExpired);
    return rows;
  });
  for (const auto& r : expired) RememberSoldOut(r.drop_id, false);
  return static_cast<int>(expired.size());
}

}  // namespace livedrop::inventory
