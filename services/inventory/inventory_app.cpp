#include "inventory_app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>

#include "inventory_events.h"
#include "inventory_store.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::inventory {
namespace {

void Emit(pqxx::transaction_base& tx, StockEvent event, const StockRow& after) {
  switch (event) {
    case StockEvent::kSoldOut:
      return EmitSoldOut(tx, after);
    case StockEvent::kLowStock:
      return EmitLowStock(tx, after);
    case StockEvent::kRestocked:
      return EmitRestocked(tx, after);
  }
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

}  // namespace

InventoryApp::InventoryApp(pg::Pool& pool, InventoryOptions options, StockCache cache)
    : pool_(pool),
      options_(std::move(options)),
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

InventoryApp::~InventoryApp() = default;

bool InventoryApp::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  return sold_out_.Find(drop_id) != nullptr;
}

void InventoryApp::RememberSoldOut(const std::string& drop_id, bool sold_out) {
  std::lock_guard lock(mutex_);
  if (sold_out) {
    sold_out_.Put(drop_id, true, std::chrono::steady_clock::now() + options_.sold_out_memory);
  } else {
    sold_out_.Erase(drop_id);
  }
}

StockRow InventoryApp::CreateStock(const std::string& drop_id, int total, int per_buyer_limit) {
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

std::optional<StockRow> InventoryApp::FreezeStock(const std::string& drop_id) {
  bool changed = false;
  const auto stock = pool_.Transact([&](pqxx::work& tx) {
    // The UPDATE takes the stock row lock, so a batch of the drop either committed before it
    // or decides after it with the row frozen.
    auto frozen = InventoryStore::FreezeStock(tx, drop_id);
    changed = frozen.has_value();
    return changed ? frozen : InventoryStore::FindStock(tx, drop_id);
  });
  if (!stock) {
    spdlog::warn("drop {} cancelled without stock here: nothing to freeze", drop_id);
    return std::nullopt;
  }
  if (changed) {
    cache_.Put(*stock);
    // A sold-out drop remembered as such would be refused as sold_out from memory; forgotten,
    // the next Reserve reaches the row and is told the drop was cancelled.
    RememberSoldOut(drop_id, false);
    if (on_stock_changed_) on_stock_changed_(*stock);
  }
  return stock;
}

StockRow InventoryApp::GetStock(const std::string& drop_id) {
  if (auto cached = cache_.Get(drop_id)) return *cached;
  const auto stock = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindStock(tx, drop_id); });
  if (!stock) throw NotFoundError("stock");
  cache_.Put(*stock);
  return *stock;
}

std::vector<StockRow> InventoryApp::GetStocks(const std::vector<std::string>& drop_ids) {
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

StockOutcome InventoryApp::Submit(const std::string& drop_id, StockRequest request) {
  if (batcher_) return batcher_->Submit(drop_id, std::move(request));
  return std::move(ApplyBatch(drop_id, {std::move(request)}).front());
}

ReservationRow InventoryApp::Reserve(const std::string& drop_id, const std::string& order_id,
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
    throw rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_SOLD_OUT,
                           "the drop is sold out");
  }
  return Resolve(
      Submit(drop_id, StockRequest{StockRequest::Kind::kReserve, order_id, buyer_id, quantity}));
}

// Confirm and Release go to the batch of the reservation's drop. Told the drop, they go there
// at once (the batch answers final states and reservations of other drops too); else they read
// the reservation to learn it (which never changes), and a final state is answered from that
// read (DecideFromFinalState).
ReservationRow InventoryApp::Settle(StockRequest::Kind kind, const std::string& order_id,
                                    const std::string& drop_id) {
  if (!drop_id.empty()) {
    RequireUuid("drop_id", drop_id);
    return Resolve(Submit(drop_id, StockRequest{kind, order_id}));
  }
  const auto r = pool_.AutoCommit(
      [&](pqxx::nontransaction& tx) { return InventoryStore::FindReservation(tx, order_id); });
  if (!r) throw ReservationNotFound();
  if (auto answer = DecideFromFinalState(kind, *r)) return Resolve(std::move(*answer));
  return Resolve(Submit(r->drop_id, StockRequest{kind, order_id}));
}

ReservationRow InventoryApp::Confirm(const std::string& order_id, const std::string& drop_id) {
  return Settle(StockRequest::Kind::kConfirm, order_id, drop_id);
}

ReservationRow InventoryApp::Release(const std::string& order_id, const std::string& drop_id) {
  return Settle(StockRequest::Kind::kRelease, order_id, drop_id);
}

// Expiry batches by itself (everything due, grouped by drop), so it does not queue in the
// batcher; its transactions still serialize with the batcher's on the stock row lock.
int InventoryApp::ExpireDue() {
  const auto due = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    return InventoryStore::FindExpired(tx, options_.expiry_batch);
  });
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

std::vector<StockOutcome> InventoryApp::ApplyBatch(const std::string& drop_id,
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

std::vector<StockOutcome> InventoryApp::CommitBatch(const std::string& drop_id,
                                                    const std::vector<StockRequest>& batch) {
  std::optional<StockRow> after;
  auto outcomes =
      pool_.Transact([&](pqxx::work& tx) { return ApplyInTransaction(tx, drop_id, batch, after); });
  if (after) {
    cache_.Put(*after);
    RememberSoldOut(drop_id, after->available == 0);
    if (on_stock_changed_) on_stock_changed_(*after);
  }
  return outcomes;
}

// Load (the stock row first, then its reservations: the lock order everywhere) → decide
// (DecideBatch, no I/O) → write.
std::vector<StockOutcome> InventoryApp::ApplyInTransaction(pqxx::transaction_base& tx,
                                                           const std::string& drop_id,
                                                           const std::vector<StockRequest>& batch,
                                                           std::optional<StockRow>& after) {
  after.reset();  // Transact may run this again after a serialization failure
  const auto stock = InventoryStore::LockStock(tx, drop_id);
  std::vector<ReservationRow> existing;
  std::map<std::string, int> held_or_bought;
  if (stock) {
    existing = InventoryStore::LockReservations(tx, OrderIdsOf(batch));
    held_or_bought = InventoryStore::HeldOrBought(tx, drop_id, BuyersToCount(batch, existing));
  }
  auto decision = DecideBatch(stock, existing, held_or_bought, batch, Now(),
                              std::chrono::duration_cast<std::chrono::microseconds>(options_.hold));
  InventoryStore::InsertReservations(tx, decision.inserts);
  InventoryStore::SetStates(tx, decision.state_changes);
  if (decision.StockChanged()) {
    after = InventoryStore::Adjust(tx, drop_id, decision.d_available, decision.d_reserved,
                                   decision.d_sold, decision.low_stock_sent);
    for (const auto event : decision.events) Emit(tx, event, *after);
  }
  return std::move(decision.outcomes);
}

}  // namespace livedrop::inventory
