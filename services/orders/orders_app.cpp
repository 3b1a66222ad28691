#include "orders_app.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "drop_catalog.h"
#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/pg/pool.h"
#include "order_saga.h"
#include "order_writer.h"
#include "orders_store.h"

namespace livedrop::orders {
namespace {

Error KeyReused() {
  return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_IDEMPOTENCY_KEY_REUSED,
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

// The saga's writes over PostgreSQL. Stage changes go through the OrderWriter, coalesced with
// every other order's writes into shared commits; the last one also writes the order's outcome
// event, atomically with it.
class PgOrdersRepository final : public OrdersRepository {
 public:
  PgOrdersRepository(pg::Pool& pool, OrderWriter& writer, std::chrono::milliseconds lease)
      : pool_(pool), writer_(writer), lease_(lease) {}

  std::optional<OrderRow> Advance(const OrderRow& order, Stage to, OrderStatus status,
                                  const std::string& failure_code) override {
    return writer_.Advance(MoveWrite{order, to, status, failure_code});
  }

  std::optional<OrderRow> Find(const std::string& id) override {
    return pool_.AutoCommit([&](pqxx::nontransaction& tx) { return OrdersStore::Find(tx, id); });
  }

  std::optional<OrderRow> CancelUnpaid(const std::string& id) override {
    return pool_.AutoCommit(
        [&](pqxx::nontransaction& tx) { return OrdersStore::CancelUnpaid(tx, id, lease_); });
  }

  std::vector<OrderRow> ClaimLapsed(int limit) override {
    return pool_.Transact(
        [&](pqxx::work& tx) { return OrdersStore::ClaimLapsed(tx, limit, lease_); });
  }

  std::vector<OrderRow> WithdrawForCancelledDrop(const std::string& drop_id, int limit) override {
    return pool_.AutoCommit([&](pqxx::nontransaction& tx) {
      return OrdersStore::WithdrawForCancelledDrop(tx, drop_id, limit, lease_);
    });
  }

  int CountLeftToWithdraw(const std::string& drop_id) override {
    return pool_.AutoCommit(
        [&](pqxx::nontransaction& tx) { return OrdersStore::CountLeftToWithdraw(tx, drop_id); });
  }

 private:
  pg::Pool& pool_;
  OrderWriter& writer_;
  std::chrono::milliseconds lease_;
};

}  // namespace

OrdersApp::OrdersApp(pg::Pool& pool, DropsPort& drops, InventoryPort& inventory,
                     PaymentPort& payment, const OrdersOptions& options)
    : pool_(pool),
      options_(options),
      in_flight_(options.max_orders_in_flight, "orders being placed"),
      executor_(std::make_unique<Executor>(ExecutorOptions{"orders saga", options.saga_threads},
                                           rpc::CarryCall)),
      catalog_(std::make_unique<DropCatalog>(drops, options.drop_terms_ttl, options.sold_out_memory,
                                             options.remembered_drops)),
      writer_(std::make_unique<OrderWriter>(pool, options.order_lease, options.write_batching,
                                            options.write_lanes)),
      key_reads_(std::make_unique<KeyReads>(
          options.write_batching,
          [this](const std::string&, std::vector<OrdersStore::KeyRef>& refs) {
            return pool_.AutoCommit(
                [&](pqxx::nontransaction& tx) { return OrdersStore::FindKeys(tx, refs); });
          })),
      repository_(std::make_unique<PgOrdersRepository>(pool, *writer_, options.order_lease)),
      saga_(std::make_unique<OrderSaga>(*repository_, *catalog_, inventory, payment, *executor_,
                                        SagaOptions(options))) {}

OrdersApp::~OrdersApp() {
  executor_.reset();  // first: it waits for the orders still in flight, which use the rest
}

int OrdersApp::RecoverLapsedOrders() { return saga_->RecoverLapsed(options_.recovery_batch); }

void OrdersApp::OnDropCancelled(const std::string& drop_id, TimePoint cancelled_at) {
  if (!IsUuid(drop_id)) {
    throw Error(ErrorKind::kInvalidArgument, "malformed_event", "drop_cancelled without a drop id");
  }
  const auto done = saga_->WithdrawCancelledDrop(drop_id, options_.recovery_batch);
  if (done.withdrawn > 0) {
    spdlog::info("drop {} cancelled: {} orders withdrawn, {} ended now", drop_id, done.withdrawn,
                 done.finished);
  }
  // An order placed just before the cancellation may be written up to the catalog's memory
  // of the drop (--drop-terms-ttl) after it, and one being charged may still be confirmed:
  // asked again (the consumer's retry) until neither can happen.
  if (done.left > 0) {
    throw Error(ErrorKind::kUnavailable, "drop_cancellation_settling",
                "drop " + drop_id + " cancelled: " + std::to_string(done.left) +
                    " orders still being paid; looked at again");
  }
  if (Now() < cancelled_at + 2 * options_.drop_terms_ttl) {
    throw Error(ErrorKind::kUnavailable, "drop_cancellation_settling",
                "drop " + drop_id + " cancelled moments ago; looked at again for late orders");
  }
}

int OrdersApp::ForgetOldKeys() {
  const std::chrono::seconds keep = std::chrono::hours(options_.idempotency_key_hours);
  return pool_.Transact([&](pqxx::work& tx) {
    return OrdersStore::DeleteKeysOlderThan(tx, keep, options_.key_sweep_batch);
  });
}

void OrdersApp::Place(const PlaceOrderInput& input, Then<PlaceResult> then) {
  Then<PlaceResult> answer = in_flight_.Admit(std::move(then));
  if (!answer) return;  // overloaded, answered already
  executor_->Post([this, input, answer] {
    std::variant<PlaceResult, OrderRow> begun = PlaceResult{};
    try {
      begun = Begin(input);
    } catch (...) {
      return answer(Reply<PlaceResult>::Failed(std::current_exception()));
    }
    if (auto* answered = std::get_if<PlaceResult>(&begun)) {
      return answer(Reply<PlaceResult>::Of(std::move(*answered)));
    }
    const OrderRow placed = std::get<OrderRow>(std::move(begun));
    saga_->Drive(placed, [this, placed, answer](Reply<OrderRow> driven) {
      answer(Reply<PlaceResult>::From(
          [&] { return Answer(Settle(placed, std::move(driven)), false); }));
    });
  });
}

std::variant<PlaceResult, OrderRow> OrdersApp::Begin(const PlaceOrderInput& input) {
  ValidatePlaceOrder(input);
  const std::string hash = RequestHash(input);

  // A refusal that changes nothing (sold out, not on sale, over the limit by itself) is
  // answered before anything is written; only a key that already made an order replays.
  auto refuse_unless_replay = [&](const Error& refusal) -> std::variant<PlaceResult, OrderRow> {
    const auto key =
        key_reads_->Submit("keys", OrdersStore::KeyRef{input.buyer_id, input.idempotency_key});
    if (!key) throw refusal;
    if (key->request_hash != hash) throw KeyReused();
    return Replay(key->order_id, input.buyer_id);
  };
  if (catalog_->KnownSoldOut(input.drop_id)) {
    return refuse_unless_replay(rpc::ReasonError(
        ErrorKind::kFailedPrecondition, common::v1::REASON_SOLD_OUT, "the drop is sold out"));
  }
  const DropTerms drop = catalog_->Get(input.drop_id);
  try {
    CheckOnSale(drop, Now());
  } catch (const Error& e) {
    return refuse_unless_replay(e);
  }
  if (input.quantity > drop.per_buyer_limit) {
    return refuse_unless_replay(
        rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_LIMIT_EXCEEDED,
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
  const auto placed = writer_->Place(PlaceWrite{order, input.idempotency_key, hash});
  if (const auto* existing = std::get_if<OrdersStore::KeyRow>(&placed)) {
    if (existing->request_hash != hash) throw KeyReused();
    return Replay(existing->order_id, input.buyer_id);
  }
  return std::get<OrderRow>(placed);
}

OrderRow OrdersApp::Settle(const OrderRow& placed, Reply<OrderRow> driven) {
  try {
    return std::move(driven).Get();
  } catch (const std::exception& e) {
    // The order stays pending under its lease; when it lapses, recovery drives it on.
    spdlog::warn("order {}: {}; answered pending, recovery carries it on", placed.id, e.what());
  }
  try {
    return Get(placed.id, placed.buyer_id);  // as it stands (another driver may have ended it)
  } catch (const std::exception&) {
    // The database too: the order as written is the answer.
  }
  OrderRow pending = placed;
  pending.status = OrderStatus::kPending;
  return pending;
}

PlaceResult OrdersApp::Replay(const std::string& order_id, const std::string& buyer_id) {
  return Answer(Get(order_id, buyer_id), true);
}

OrderRow OrdersApp::Get(const std::string& id, const std::string& buyer_id) {
  if (!IsUuid(id)) throw NotFoundError("order");
  const auto row =
      pool_.AutoCommit([&](pqxx::nontransaction& tx) { return OrdersStore::Find(tx, id); });
  if (!row || row->buyer_id != buyer_id) throw NotFoundError("order");
  return *row;
}

OrderPage OrdersApp::List(const std::string& buyer_id, int limit, const std::string& cursor) {
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

OrderRow OrdersApp::Cancel(const std::string& id, const std::string& buyer_id) {
  Get(id, buyer_id);  // only the buyer's own order exists for them
  if (auto releasing = saga_->RequestCancel(id)) return saga_->DriveToEnd(*releasing);
  const OrderRow now = Get(id, buyer_id);
  // Cancelled already, or being cancelled (by the buyer or with its drop): idempotent.
  if (now.failure_code == kCancelledByBuyer || now.failure_code == kDropCancelled) {
    return now.stage == Stage::kDone ? now : saga_->DriveToEnd(now);
  }
  throw Error(ErrorKind::kFailedPrecondition, "order_not_cancellable",
              std::string("an order that is ") +
                  (now.status == OrderStatus::kPending ? "being paid" : StatusName(now.status)) +
                  " cannot be cancelled");
}

}  // namespace livedrop::orders
