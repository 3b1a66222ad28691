#include "inventory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <set>

#include "inventory_logic.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::inventory {
namespace {

constexpr char kTopic[] = "livedrop.inventory";

// The events of a batch carry the trace of the call whose thread ran the batch.
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

Error NoReservation() { return NotFoundError("reservation"); }

Error NotHeld(ReservationState state) {
  return Error(ErrorKind::kFailedPrecondition, "reservation_not_held",
               std::string("the reservation was ") + StateName(state));
}

Error AlreadyConfirmed() {
  return Error(ErrorKind::kFailedPrecondition, "reservation_confirmed",
               "a confirmed reservation cannot be released");
}

bool Returned(ReservationState s) {
  return s == ReservationState::kReleased || s == ReservationState::kExpired;
}

ReservationRow Resolve(StockOutcome outcome) {
  if (outcome.error) throw *outcome.error;
  return std::move(*outcome.reservation);
}

// A failure of the database itself rather than of a batch's data: retrying the requests one
// by one would only fail the same way, slower.
bool DatabaseFailure(const Error& e) {
  return e.kind() == ErrorKind::kUnavailable || e.kind() == ErrorKind::kAborted ||
         e.kind() == ErrorKind::kDeadlineExceeded || e.kind() == ErrorKind::kResourceExhausted;
}

// A reservation as the batch sees it: loaded from the database or inserted by the batch.
struct Known {
  ReservationRow row;
  bool inserted = false;
  bool changed = false;
};

}  // namespace

Inventory::Inventory(pg::Pool& pool, InventoryOptions options, StockCache cache)
    : pool_(pool),
      options_(options),
      cache_(std::move(cache)),
      sold_out_(options_.sold_out_drops, metrics::CacheEvictionCounter("sold_out")) {
  if (options_.coalesce) {
    batcher_ = std::make_unique<StockBatcher>(
        options_.batching,
        [this](const std::string& drop_id, const std::vector<StockRequest>& batch) {
          return ApplyBatch(drop_id, batch);
        });
  }
}

Inventory::~Inventory() = default;

bool Inventory::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  return sold_out_.Find(drop_id) != nullptr;
}

void Inventory::RememberSoldOut(const std::string& drop_id, bool sold_out) {
  std::lock_guard lock(mutex_);
  if (sold_out) {
    sold_out_.Put(drop_id, true, std::chrono::steady_clock::now() + options_.sold_out_memory);
  } else {
    sold_out_.Erase(drop_id);
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
  if (auto cached = cache_.Get(drop_id)) return *cached;
  const auto stock = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindStock(tx, drop_id); });
  if (!stock) throw NotFoundError("stock");
  cache_.Put(*stock);
  return *stock;
}

std::vector<StockRow> Inventory::GetStocks(const std::vector<std::string>& drop_ids) {
  std::vector<std::string> wanted;
  for (const auto& id : drop_ids) {
    if (std::find(wanted.begin(), wanted.end(), id) == wanted.end()) wanted.push_back(id);
  }
  std::map<std::string, StockRow> found;
  std::vector<std::string> misses;
  for (const auto& id : wanted) {
    if (auto cached = cache_.Get(id)) {
      found[id] = std::move(*cached);
    } else {
      misses.push_back(id);
    }
  }
  if (!misses.empty()) {
    const auto rows = pool_.AutoCommit(
        [&](pqxx::nontransaction& tx) { return InventoryStore::FindStocks(tx, misses); });
    for (const auto& row : rows) {
      cache_.Put(row);
      found[row.drop_id] = row;
    }
  }
  std::vector<StockRow> out;
  for (const auto& id : wanted) {
    if (const auto it = found.find(id); it != found.end()) out.push_back(it->second);
  }
  return out;
}

StockOutcome Inventory::Submit(const std::string& drop_id, StockRequest request) {
  if (batcher_) return batcher_->Submit(drop_id, std::move(request));
  return std::move(ApplyBatch(drop_id, {std::move(request)}).front());
}

ReservationRow Inventory::Reserve(const std::string& drop_id, const std::string& order_id,
                                  const std::string& buyer_id, int quantity) {
  if (quantity < 1) throw ValidationError("quantity", "quantity must be positive");
  if (KnownSoldOut(drop_id)) {
    // A retry of an order that did get stock must still see its reservation.
    const auto existing = pool_.AutoCommit(
        [&](pqxx::nontransaction& tx) { return InventoryStore::FindReservation(tx, order_id); });
    if (existing) {
      CheckSameReservation(*existing, drop_id, buyer_id, quantity);
      return *existing;
    }
    throw Error(ErrorKind::kFailedPrecondition, "sold_out", "the drop is sold out");
  }
  return Resolve(
      Submit(drop_id, StockRequest{StockRequest::Kind::kReserve, order_id, buyer_id, quantity}));
}

// Confirm and Release first read the reservation to learn its drop (which never changes).
// Confirmed, released and expired are final, so those answers need no lock; a held one is
// decided again in its drop's batch, under the stock row lock.
ReservationRow Inventory::Confirm(const std::string& order_id) {
  const auto r = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindReservation(tx, order_id); });
  if (!r) throw NoReservation();
  if (r->state == ReservationState::kConfirmed) return *r;
  if (r->state != ReservationState::kHeld) throw NotHeld(r->state);
  return Resolve(Submit(r->drop_id, StockRequest{StockRequest::Kind::kConfirm, order_id}));
}

ReservationRow Inventory::Release(const std::string& order_id) {
  const auto r = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindReservation(tx, order_id); });
  if (!r) throw NoReservation();
  if (Returned(r->state)) return *r;
  if (r->state == ReservationState::kConfirmed) throw AlreadyConfirmed();
  return Resolve(Submit(r->drop_id, StockRequest{StockRequest::Kind::kRelease, order_id}));
}

// Expiry batches by itself (everything due, grouped by drop), so it does not queue in the
// batcher; its transactions still serialize with the batcher's on the stock row lock.
int Inventory::ExpireDue(int limit) {
  const auto due = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindExpired(tx, limit); });
  std::map<std::string, std::vector<StockRequest>> by_drop;
  for (const auto& [order_id, drop_id] : due) {
    by_drop[drop_id].push_back(StockRequest{StockRequest::Kind::kExpire, order_id});
  }
  int expired = 0;
  for (const auto& [drop_id, batch] : by_drop) {
    for (const auto& outcome : ApplyBatch(drop_id, batch)) expired += outcome.changed ? 1 : 0;
  }
  return expired;
}

std::vector<StockOutcome> Inventory::ApplyBatch(const std::string& drop_id,
                                                const std::vector<StockRequest>& batch) {
  try {
    return CommitBatch(drop_id, batch);
  } catch (const Error& e) {
    if (batch.size() == 1 || DatabaseFailure(e)) throw;
    spdlog::warn("stock batch of {} for drop {} failed ({}); applying them one by one",
                 batch.size(), drop_id, e.what());
  } catch (const std::exception& e) {
    if (batch.size() == 1) throw;
    spdlog::warn("stock batch of {} for drop {} failed ({}); applying them one by one",
                 batch.size(), drop_id, e.what());
  }
  // Nothing of the batch was committed and nobody was answered, so each request can simply
  // be applied on its own; the one that broke the batch gets the error alone.
  std::vector<StockOutcome> outcomes;
  for (const auto& request : batch) {
    try {
      outcomes.push_back(std::move(CommitBatch(drop_id, {request}).front()));
    } catch (const Error& e) {
      outcomes.push_back(StockOutcome{std::nullopt, e, false});
    } catch (const std::exception& e) {
      spdlog::error("stock request {} for drop {} failed: {}", request.order_id, drop_id, e.what());
      outcomes.push_back(StockOutcome{
          std::nullopt, Error(ErrorKind::kInternal, "internal", "stock change failed"), false});
    }
  }
  return outcomes;
}

std::vector<StockOutcome> Inventory::CommitBatch(const std::string& drop_id,
                                                 const std::vector<StockRequest>& batch) {
  std::optional<StockRow> after;
  auto outcomes =
      pool_.Transact([&](pqxx::work& tx) { return ApplyInTransaction(tx, drop_id, batch, after); });
  if (after) {
    cache_.Put(*after);
    RememberSoldOut(drop_id, after->available == 0);
  }
  return outcomes;
}

std::vector<StockOutcome> Inventory::ApplyInTransaction(pqxx::transaction_base& tx,
                                                        const std::string& drop_id,
                                                        const std::vector<StockRequest>& batch,
                                                        std::optional<StockRow>& after) {
  after.reset();  // Transact may run this again after a serialization failure
  std::vector<StockOutcome> out(batch.size());
  const auto stock = InventoryStore::LockStock(tx, drop_id);
  if (!stock) {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      out[i].error =
          batch[i].kind == StockRequest::Kind::kReserve ? NotFoundError("stock") : NoReservation();
    }
    return out;
  }

  std::set<std::string> order_ids;
  for (const auto& request : batch) order_ids.insert(request.order_id);
  std::map<std::string, Known> known;
  for (auto& row : InventoryStore::LockReservations(
           tx, std::vector<std::string>(order_ids.begin(), order_ids.end()))) {
    known.emplace(row.order_id, Known{row});
  }
  std::set<std::string> buyers;
  for (const auto& request : batch) {
    if (request.kind == StockRequest::Kind::kReserve && !known.count(request.order_id)) {
      buyers.insert(request.buyer_id);
    }
  }
  // Units per buyer as the batch goes: earlier requests of the batch count for later ones.
  auto held = InventoryStore::HeldOrBought(tx, drop_id,
                                           std::vector<std::string>(buyers.begin(), buyers.end()));

  StockRow now_stock = *stock;
  const TimePoint now = Now();
  const TimePoint expires_at =
      now + std::chrono::duration_cast<std::chrono::microseconds>(options_.hold);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const StockRequest& request = batch[i];
    StockOutcome& o = out[i];
    const auto it = known.find(request.order_id);
    if (request.kind == StockRequest::Kind::kReserve) {
      if (it != known.end()) {
        try {
          CheckSameReservation(it->second.row, drop_id, request.buyer_id, request.quantity);
          o.reservation = it->second.row;
        } catch (const Error& e) {
          o.error = e;
        }
        continue;
      }
      int& buyer_units = held[request.buyer_id];
      try {
        CheckReserve(now_stock, buyer_units, request.quantity);
      } catch (const Error& e) {
        o.error = e;
        continue;
      }
      now_stock.available -= request.quantity;
      now_stock.reserved += request.quantity;
      buyer_units += request.quantity;
      ReservationRow row{request.order_id,        drop_id,   request.buyer_id, request.quantity,
                         ReservationState::kHeld, expires_at};
      known.emplace(request.order_id, Known{row, /*inserted=*/true});
      o.reservation = std::move(row);
      o.changed = true;
      continue;
    }
    if (it == known.end()) {
      o.error = NoReservation();
      continue;
    }
    ReservationRow& r = it->second.row;
    const auto Move = [&](ReservationState to) {
      r.state = to;
      it->second.changed = true;
      o.changed = true;
    };
    switch (request.kind) {
      case StockRequest::Kind::kConfirm:
        if (r.state == ReservationState::kHeld) {
          now_stock.reserved -= r.quantity;
          now_stock.sold += r.quantity;
          Move(ReservationState::kConfirmed);
        } else if (r.state != ReservationState::kConfirmed) {
          o.error = NotHeld(r.state);
        }
        break;
      case StockRequest::Kind::kRelease:
      case StockRequest::Kind::kExpire:
        if (r.state == ReservationState::kConfirmed) {
          if (request.kind == StockRequest::Kind::kRelease) o.error = AlreadyConfirmed();
        } else if (r.state == ReservationState::kHeld &&
                   (request.kind == StockRequest::Kind::kRelease || r.expires_at <= now)) {
          now_stock.available += r.quantity;
          now_stock.reserved -= r.quantity;
          if (const auto h = held.find(r.buyer_id); h != held.end()) h->second -= r.quantity;
          Move(request.kind == StockRequest::Kind::kRelease ? ReservationState::kReleased
                                                            : ReservationState::kExpired);
        }
        break;
      case StockRequest::Kind::kReserve:
        break;
    }
    if (!o.error) o.reservation = r;
  }

  std::vector<ReservationRow> inserts;
  std::vector<std::pair<std::string, ReservationState>> updates;
  for (const auto& [order_id, k] : known) {
    if (k.inserted) {
      inserts.push_back(k.row);
    } else if (k.changed) {
      updates.emplace_back(order_id, k.row.state);
    }
  }
  InventoryStore::InsertReservations(tx, inserts);
  InventoryStore::SetStates(tx, updates);

  const int d_available = now_stock.available - stock->available;
  const int d_reserved = now_stock.reserved - stock->reserved;
  const int d_sold = now_stock.sold - stock->sold;
  if (d_available != 0 || d_reserved != 0 || d_sold != 0) {
    // Events follow the batch's net change: a unit reserved and released within one batch
    // never sold the drop out.
    const auto events = EventsFor(*stock, now_stock);
    const bool low_stock = std::find(events.begin(), events.end(), "low_stock") != events.end();
    after = InventoryStore::Adjust(tx, drop_id, d_available, d_reserved, d_sold, low_stock);
    for (const auto& event : events) Emit(tx, event, *after);
  }
  return out;
}

}  // namespace livedrop::inventory
