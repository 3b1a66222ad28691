#include "order_saga.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <pqxx/pqxx>
#include <thread>

#include "drop_catalog.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/pg/pool.h"
#include "order_events.h"
#include "orders_store.h"

namespace livedrop::orders {
namespace {

// Runs one unary call; returns the service's error instead of the response on failure.
template <class Call>
std::optional<Error> Invoke(std::chrono::milliseconds timeout, Call&& call) {
  auto ctx = rpc::NewClientContext(timeout);
  const ::grpc::Status status = call(ctx.get());
  if (status.ok()) return std::nullopt;
  return rpc::FromStatus(status);
}

const char* TerminalEvent(OrderStatus status) {
  switch (status) {
    case OrderStatus::kConfirmed:
      return "order_confirmed";
    case OrderStatus::kCancelled:
      return "order_cancelled";
    default:
      return "order_failed";
  }
}

}  // namespace

OrderSaga::OrderSaga(pg::Pool& pool, DropCatalog& catalog,
                     std::shared_ptr<::grpc::Channel> inventory_channel,
                     std::shared_ptr<::grpc::Channel> payment_channel, SagaOptions options)
    : pool_(pool),
      catalog_(catalog),
      inventory_(inventory::v1::InventoryService::NewStub(std::move(inventory_channel))),
      payment_(payment::v1::PaymentService::NewStub(std::move(payment_channel))),
      options_(options) {}

OrderRow OrderSaga::Drive(OrderRow order) {
  while (order.stage != Stage::kDone) order = Step(order);
  return order;
}

OrderRow OrderSaga::Step(const OrderRow& order) {
  switch (order.stage) {
    case Stage::kPlaced:
      return Reserve(order);
    case Stage::kReserved:
      return Move(order, Stage::kCharging);
    case Stage::kCharging:
      return Charge(order);
    case Stage::kCharged:
      return Confirm(order);
    case Stage::kRefunding:
      return Refund(order);
    case Stage::kReleasing:
      return Release(order);
    case Stage::kDone:
      return order;
  }
  return order;
}

OrderRow OrderSaga::Move(const OrderRow& order, Stage to, OrderStatus status,
                         const std::string& failure_code) {
  auto advance = [&](pqxx::transaction_base& tx) {
    return OrdersStore::Advance(tx, order.id, order.stage, to, status, failure_code,
                                options_.lease);
  };
  // A step's stage change is one statement and commits on its own; the last one also writes
  // the order's outcome event, atomically with it.
  const auto moved =
      to != Stage::kDone ? pool_.AutoCommit(advance) : pool_.Transact([&](pqxx::work& tx) {
        auto row = advance(tx);
        if (row) EmitOrderEvent(tx, TerminalEvent(status), *row);
        return row;
      });
  if (!moved) return Reload(order.id);  // someone else moved it: carry on from there
  if (options_.crash_after && *options_.crash_after == to) {
    spdlog::critical("fault injection: exiting after stage {} of order {}", StageName(to),
                     order.id);
    std::_Exit(70);
  }
  return *moved;
}

OrderRow OrderSaga::Reload(const std::string& id) {
  const auto row =
      pool_.AutoCommit([&](pqxx::nontransaction& tx) { return OrdersStore::Find(tx, id); });
  if (!row) throw Error(ErrorKind::kInternal, "order_vanished", "order " + id + " vanished");
  return *row;
}

OrderRow OrderSaga::Reserve(const OrderRow& order) {
  inventory::v1::ReserveRequest req;
  req.set_drop_id(order.drop_id);
  req.set_order_id(order.id);
  req.set_buyer_id(order.buyer_id);
  req.set_quantity(order.quantity);
  inventory::v1::ReserveResponse resp;
  std::optional<Error> error;
  // Stock is created from drop_scheduled through Kafka; a drop that starts right after it
  // was scheduled may be a moment ahead of its stock.
  for (int attempt = 0; attempt < 10; ++attempt) {
    error = Invoke(options_.inventory_timeout,
                   [&](auto* ctx) { return inventory_->Reserve(ctx, req, &resp); });
    if (!error || error->code() != "not_found") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!error) {
    // A retry after the hold lapsed finds its reservation gone: the order cannot go on.
    if (resp.reservation().state() != inventory::v1::RESERVATION_STATE_HELD &&
        resp.reservation().state() != inventory::v1::RESERVATION_STATE_CONFIRMED) {
      return Move(order, Stage::kDone, OrderStatus::kFailed, "reservation_expired");
    }
    return Move(order, Stage::kReserved);
  }
  if (error->code() == "sold_out") catalog_.RememberSoldOut(order.drop_id);
  if (IsRefusal(error->code())) {
    if (error->code() == "not_found" && Now() < catalog_.Get(order.drop_id).ends_at) {
      throw Error(ErrorKind::kUnavailable, "stock_not_ready",
                  "the drop's stock is not ready yet; retry with the same Idempotency-Key");
    }
    if (error->code() != "sold_out" && error->code() != "limit_exceeded") {
      spdlog::warn("order {}: inventory refused the reservation: {} ({})", order.id, error->code(),
                   error->what());
    }
    const std::string code = error->code() == "not_found" ? "drop_not_live" : error->code();
    return Move(order, Stage::kDone, OrderStatus::kFailed, code);
  }
  throw *error;
}

OrderRow OrderSaga::Charge(const OrderRow& order) {
  payment::v1::ChargeRequest req;
  req.set_order_id(order.id);
  req.set_buyer_id(order.buyer_id);
  req.set_amount(order.amount);
  req.set_currency(order.currency);
  req.set_payment_token(order.payment_token);
  payment::v1::ChargeResponse resp;
  const auto error = Invoke(options_.payment_timeout,
                            [&](auto* ctx) { return payment_->Charge(ctx, req, &resp); });
  if (error) throw *error;  // the charge is idempotent: the next try learns the outcome
  switch (resp.payment().state()) {
    case payment::v1::PAYMENT_STATE_SUCCEEDED:
      return Move(order, Stage::kCharged);
    case payment::v1::PAYMENT_STATE_FAILED:
      return Move(order, Stage::kReleasing, OrderStatus::kPending, resp.payment().failure_code());
    default:
      throw Error(ErrorKind::kUnavailable, "payment_pending",
                  "the payment of order " + order.id + " is not settled yet");
  }
}

OrderRow OrderSaga::Confirm(const OrderRow& order) {
  inventory::v1::ConfirmRequest req;
  req.set_order_id(order.id);
  inventory::v1::ConfirmResponse resp;
  const auto error = Invoke(options_.inventory_timeout,
                            [&](auto* ctx) { return inventory_->Confirm(ctx, req, &resp); });
  if (!error) return Move(order, Stage::kDone, OrderStatus::kConfirmed);
  if (error->code() == "reservation_not_held" || error->code() == "not_found") {
    // The hold lapsed (the expiry sweeper returned the stock) while the payment ran.
    spdlog::warn("order {}: reservation lapsed before confirm; refunding", order.id);
    return Move(order, Stage::kRefunding, OrderStatus::kPending, "reservation_expired");
  }
  throw *error;
}

OrderRow OrderSaga::Refund(const OrderRow& order) {
  payment::v1::RefundRequest req;
  req.set_order_id(order.id);
  payment::v1::RefundResponse resp;
  const auto error = Invoke(options_.payment_timeout,
                            [&](auto* ctx) { return payment_->Refund(ctx, req, &resp); });
  if (error) throw *error;
  return Move(order, Stage::kReleasing);
}

OrderRow OrderSaga::Release(const OrderRow& order) {
  inventory::v1::ReleaseRequest req;
  req.set_order_id(order.id);
  inventory::v1::ReleaseResponse resp;
  const auto error = Invoke(options_.inventory_timeout,
                            [&](auto* ctx) { return inventory_->Release(ctx, req, &resp); });
  // not_found: the reservation never landed (a cancellation before Reserve) — nothing to
  // return; should it land later, the expiry sweeper returns it.
  if (error && error->code() != "not_found") throw *error;
  if (!error) catalog_.ForgetSoldOut(order.drop_id);
  const bool cancelled = order.failure_code == "cancelled";
  return Move(order, Stage::kDone, cancelled ? OrderStatus::kCancelled : OrderStatus::kFailed);
}

std::optional<OrderRow> OrderSaga::RequestCancel(const std::string& order_id) {
  return pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    return OrdersStore::CancelUnpaid(tx, order_id, options_.lease);
  });
}

}  // namespace livedrop::orders
