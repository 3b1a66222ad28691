#include "orders.h"

#include <pqxx/pqxx>

#include "drop_catalog.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/pg/pool.h"
#include "order_events.h"
#include "order_saga.h"
#include "orders_store.h"

namespace livedrop::orders {
namespace {

Error KeyReused() {
  return Error(ErrorKind::kFailedPrecondition, "idempotency_key_reused",
               "this Idempotency-Key was used with a different request body");
}

// Returns a confirmed order; throws the error any other finished (or pending) order answers.
PlaceResult Answer(OrderRow order, bool replayed) {
  if (auto error = OutcomeError(order)) {
    if (!replayed) throw *error;
    auto meta = error->metadata();
    meta["replayed"] = "true";
    throw Error(error->kind(), error->code(), error->what(), meta);
  }
  return PlaceResult{std::move(order), replayed};
}

}  // namespace

Orders::Orders(pg::Pool& pool, DropCatalog& catalog, OrderSaga& saga,
               std::chrono::milliseconds lease)
    : pool_(pool), catalog_(catalog), saga_(saga), lease_(lease) {}

PlaceResult Orders::Place(const PlaceOrderInput& input) {
  ValidatePlaceOrder(input);
  const std::string hash = RequestHash(input);

  // A refusal that changes nothing (sold out, not on sale, over the limit by itself) is
  // answered before anything is written; only a key that already made an order replays.
  auto refuse_unless_replay = [&](const Error& refusal) -> PlaceResult {
    const auto key = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
      return OrdersStore::FindKey(tx, input.buyer_id, input.idempotency_key);
    });
    if (!key) throw refusal;
    if (key->request_hash != hash) throw KeyReused();
    return Replay(key->order_id, input.buyer_id);
  };
  if (catalog_.KnownSoldOut(input.drop_id)) {
    return refuse_unless_replay(
        Error(ErrorKind::kFailedPrecondition, "sold_out", "the drop is sold out"));
  }
  const DropTerms drop = catalog_.Get(input.drop_id);
  try {
    CheckOnSale(drop, Now());
  } catch (const Error& e) {
    return refuse_unless_replay(e);
  }
  if (input.quantity > drop.per_buyer_limit) {
    return refuse_unless_replay(
        Error(ErrorKind::kFailedPrecondition, "limit_exceeded",
              "at most " + std::to_string(drop.per_buyer_limit) + " per buyer"));
  }

  OrderRow order;
  order.id = NewUuid();
  order.buyer_id = input.buyer_id;
  order.drop_id = input.drop_id;
  order.quantity = input.quantity;
  order.amount = drop.unit_amount * input.quantity;
  order.currency = drop.currency;
  order.payment_token = input.payment_token;
  const auto placed = pool_.Transact([&](pqxx::work& tx) -> std::optional<OrderRow> {
    if (const auto existing =
            OrdersStore::ClaimKey(tx, input.buyer_id, input.idempotency_key, hash, order.id)) {
      if (existing->request_hash != hash) throw KeyReused();
      order.id = existing->order_id;
      return std::nullopt;
    }
    auto row = OrdersStore::Insert(tx, order, lease_);
    EmitOrderEvent(tx, "order_placed", row);
    return row;
  });
  if (!placed) return Replay(order.id, input.buyer_id);
  return Answer(saga_.Drive(*placed), false);
}

PlaceResult Orders::Replay(const std::string& order_id, const std::string& buyer_id) {
  return Answer(Get(order_id, buyer_id), true);
}

OrderRow Orders::Get(const std::string& id, const std::string& buyer_id) {
  if (!IsUuid(id)) throw NotFoundError("order");
  const auto row =
      pool_.AutoCommit([&](pqxx::nontransaction& tx) { return OrdersStore::Find(tx, id); });
  if (!row || row->buyer_id != buyer_id) throw NotFoundError("order");
  return *row;
}

OrderPage Orders::List(const std::string& buyer_id, int limit, const std::string& cursor) {
  const int size = PageSize(limit);
  const auto before = DecodeCursor(cursor);
  auto rows = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    return OrdersStore::ListByBuyer(tx, buyer_id, before, size + 1);
  });
  OrderPage page;
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(static_cast<std::size_t>(size));
    page.next_cursor = EncodeCursor(rows.back().seq);
  }
  page.items = std::move(rows);
  return page;
}

OrderRow Orders::Cancel(const std::string& id, const std::string& buyer_id) {
  Get(id, buyer_id);  // only the buyer's own order exists for them
  if (auto releasing = saga_.RequestCancel(id)) return saga_.Drive(*releasing);
  const OrderRow now = Get(id, buyer_id);
  if (now.failure_code == "cancelled") {  // cancelled already, or being cancelled: idempotent
    return now.stage == Stage::kDone ? now : saga_.Drive(now);
  }
  throw Error(ErrorKind::kFailedPrecondition, "order_not_cancellable",
              std::string("an order that is ") +
                  (now.status == OrderStatus::kPending ? "being paid" : StatusName(now.status)) +
                  " cannot be cancelled");
}

}  // namespace livedrop::orders
