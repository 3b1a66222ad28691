#include "order_saga.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <future>
#include <map>
#include <memory>

#include "clients/inventory_port.h"
#include "clients/payment_port.h"
#include "drop_catalog.h"
#include "livedrop/core/executor.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/metrics/registry.h"
#include "orders_store.h"

namespace livedrop::orders {
namespace {

// Orders that reached their end, by how they ended: each once, by the driver whose stage
// change won (a second driver of the same order reloads it instead). Looked up once, and
// exported from the start (at 0), so dashboards and alerts see them before the first order: a
// lookup takes the registry's lock, which every finishing order would share.
metrics::Counter& Finished(OrderStatus status) {
  static const std::map<OrderStatus, metrics::Counter*> counters = [] {
    std::map<OrderStatus, metrics::Counter*> out;
    for (const auto s : {OrderStatus::kConfirmed, OrderStatus::kFailed, OrderStatus::kCancelled}) {
      out[s] = &metrics::Registry::Default().GetCounter(
          "livedrop_orders_finished_total", "Orders that reached their final state, by that state",
          {{"status", StatusName(s)}});
    }
    return out;
  }();
  return *counters.at(status);
}

}  // namespace

OrderSaga::OrderSaga(OrdersRepository& orders, DropCatalog& catalog, InventoryPort& inventory,
                     PaymentPort& payment, Executor& executor, SagaOptions options)
    : orders_(orders),
      catalog_(catalog),
      inventory_(inventory),
      payment_(payment),
      executor_(executor),
      options_(options) {
  Finished(OrderStatus::kConfirmed);  // registers every state's counter
}

void OrderSaga::Drive(OrderRow order, Then<OrderRow> done) {
  if (order.stage == Stage::kDone) return done(Reply<OrderRow>::Of(std::move(order)));
  Step(order, [this, done = std::move(done)](Reply<OrderRow> next) {
    if (!next.ok()) return done(std::move(next));
    Drive(std::move(next).Get(), done);
  });
}

OrderRow OrderSaga::DriveToEnd(OrderRow order) {
  return Await<OrderRow>([&](Then<OrderRow> done) { Drive(std::move(order), std::move(done)); });
}

std::vector<std::future<OrderRow>> OrderSaga::DriveAll(const std::vector<OrderRow>& orders) {
  std::vector<std::future<OrderRow>> ends;
  ends.reserve(orders.size());
  for (const auto& order : orders) {
    auto end = std::make_shared<std::promise<OrderRow>>();
    ends.push_back(end->get_future());
    executor_.Post([this, order, end] { Drive(order, Settle(end)); });
  }
  return ends;
}

template <class T>
Then<T> OrderSaga::Decide(const OrderRow& order, Then<OrderRow> next,
                          OrderRow (OrderSaga::*decide)(const OrderRow&, const T&)) {
  return executor_.Continue<T>([this, order, next = std::move(next), decide](Reply<T> reply) {
    next(Reply<OrderRow>::From([&] { return (this->*decide)(order, std::move(reply).Get()); }));
  });
}

void OrderSaga::Step(const OrderRow& order, Then<OrderRow> next) {
  switch (order.stage) {
    case Stage::kPlaced:
      return Reserve(order, 1, std::move(next));
    case Stage::kReserved:  // stored by builds before a reservation went straight to charging
      return next(Reply<OrderRow>::From([&] { return Move(order, Stage::kCharging); }));
    case Stage::kCharging:
      return Charge(order, std::move(next));
    case Stage::kCharged:  // persisted by builds before the charge went straight on to Confirm
      return Confirm(order, std::move(next));
    case Stage::kRefunding:
      return payment_.Refund(order.id,
                             Decide<Payment>(order, std::move(next), &OrderSaga::Refunded));
    case Stage::kReleasing:
      return inventory_.Release(
          order.id, order.drop_id,
          Decide<std::optional<HoldGone>>(order, std::move(next), &OrderSaga::Released));
    case Stage::kDone:
      break;
  }
  next(Reply<OrderRow>::Of(order));
}

OrderRow OrderSaga::Move(const OrderRow& order, Stage to, OrderStatus status,
                         const std::string& failure_code) {
  const auto moved = orders_.Advance(order, to, status, failure_code);
  if (!moved) return Reload(order.id);  // someone else moved it: carry on from there
  if (to == Stage::kDone) Finished(moved->status).Inc();
  CrashPoint(to, order.id);
  return *moved;
}

void OrderSaga::CrashPoint([[maybe_unused]] Stage point,
                           [[maybe_unused]] const std::string& order_id) const {
#ifdef LIVEDROP_FAULT_INJECTION
  if (options_.crash_after && *options_.crash_after == point) {
    spdlog::critical("fault injection: exiting after stage {} of order {}", StageName(point),
                     order_id);
    std::_Exit(70);
  }
#endif
}

OrderRow OrderSaga::Reload(const std::string& id) {
  const auto row = orders_.Find(id);
  if (!row) throw Error(ErrorKind::kInternal, "order_vanished", "order " + id + " vanished");
  return *row;
}

void OrderSaga::Reserve(const OrderRow& order, int attempt, Then<OrderRow> next) {
  const ReserveRequest request{order.id, order.drop_id, order.buyer_id, order.quantity};
  inventory_.Reserve(request, executor_.Continue<ReserveResult>([this, order, attempt,
                                                                 next](Reply<ReserveResult> reply) {
    if (!reply.ok()) return next(Reply<OrderRow>::Failed(reply.error()));
    const ReserveResult result = std::move(reply).Get();
    // Stock is created from drop_scheduled through Kafka; a drop that starts right after it
    // was scheduled may be a moment ahead of its stock: asked again a moment later.
    if (result.refusal == ReserveRefusal::kNoStock && attempt < options_.stock_wait_attempts) {
      executor_.PostAfter(options_.stock_wait_interval,
                          [this, order, attempt, next] { Reserve(order, attempt + 1, next); });
      return;
    }
    next(Reply<OrderRow>::From([&] { return Reserved(order, result); }));
  }));
}

OrderRow OrderSaga::Reserved(const OrderRow& order, const ReserveResult& result) {
  if (!result.refusal) {
    // A retry after the hold lapsed finds its reservation gone: the order cannot go on.
    if (result.state != ReservationState::kHeld && result.state != ReservationState::kConfirmed) {
      return Move(order, Stage::kDone, OrderStatus::kFailed,
                  rpc::EnumCode(common::v1::REASON_RESERVATION_EXPIRED));
    }
    // Straight on to charging: a reserved order is not stored as such (one write fewer per
    // order). Until charging is stored the order is placed, which a driver that takes it over
    // reserves again (the same reservation, by order id) and a buyer may still cancel.
    CrashPoint(Stage::kReserved, order.id);
    return Move(order, Stage::kCharging);
  }
  const auto fail = [&](common::v1::Reason failure) {
    return Move(order, Stage::kDone, OrderStatus::kFailed, rpc::EnumCode(failure));
  };
  switch (*result.refusal) {
    case ReserveRefusal::kSoldOut:
      catalog_.RememberSoldOut(order.drop_id);
      return fail(common::v1::REASON_SOLD_OUT);
    case ReserveRefusal::kLimitExceeded:
      return fail(common::v1::REASON_LIMIT_EXCEEDED);
    case ReserveRefusal::kDropNotLive:
      return fail(common::v1::REASON_DROP_NOT_LIVE);
    case ReserveRefusal::kNoStock:
      if (Now() < catalog_.Get(order.drop_id).ends_at) {
        throw Error(ErrorKind::kUnavailable, "stock_not_ready",
                    "the drop's stock is not ready yet; retry with the same Idempotency-Key");
      }
      break;
    case ReserveRefusal::kInvalid:
      break;
  }
  spdlog::warn("order {}: inventory refused the reservation: {} ({})", order.id,
               ReserveRefusalName(*result.refusal), result.detail);
  return fail(*result.refusal == ReserveRefusal::kNoStock ? common::v1::REASON_DROP_NOT_LIVE
                                                          : common::v1::REASON_VALIDATION_FAILED);
}

void OrderSaga::Charge(const OrderRow& order, Then<OrderRow> next) {
  // The charge is idempotent: when it fails, the next try learns the outcome. A succeeded
  // charge is not persisted as a stage of its own (one write fewer per order): the order stays
  // charging until Confirm's answer moves it, and a driver that takes it over from there asks
  // payment again, which answers the same payment without charging twice.
  const ChargeRequest request{order.id, order.buyer_id, order.amount, order.currency,
                              order.payment_token};
  payment_.Charge(request, executor_.Continue<Payment>([this, order,
                                                        next](Reply<Payment> reply) {
    if (!reply.ok()) return next(Reply<OrderRow>::Failed(reply.error()));
    const Payment payment = std::move(reply).Get();
    if (payment.state != PaymentState::kSucceeded) {
      return next(Reply<OrderRow>::From([&] { return NotCharged(order, payment); }));
    }
    CrashPoint(Stage::kCharged, order.id);
    Confirm(order, next);
  }));
}

void OrderSaga::Confirm(const OrderRow& order, Then<OrderRow> next) {
  inventory_.Confirm(order.id, order.drop_id,
                     Decide<std::optional<HoldGone>>(order, std::move(next), &OrderSaga::Confirmed));
}

OrderRow OrderSaga::NotCharged(const OrderRow& order, const Payment& payment) {
  switch (payment.state) {
    case PaymentState::kFailed:
      return Move(order, Stage::kReleasing, OrderStatus::kPending,
                  DeclineReasonName(payment.decline.value_or(DeclineReason::kOther)));
    case PaymentState::kSucceeded:  // Charge confirms those
    case PaymentState::kPending:
    case PaymentState::kRefunded:
      break;
  }
  throw Error(ErrorKind::kUnavailable, "payment_pending",
              "the payment of order " + order.id + " is not settled yet");
}

OrderRow OrderSaga::Confirmed(const OrderRow& order, const std::optional<HoldGone>& gone) {
  if (!gone) return Move(order, Stage::kDone, OrderStatus::kConfirmed);
  // The hold lapsed (the expiry sweeper returned the stock) while the payment ran.
  spdlog::warn("order {}: reservation lapsed before confirm; refunding", order.id);
  return Move(order, Stage::kRefunding, OrderStatus::kPending,
              rpc::EnumCode(common::v1::REASON_RESERVATION_EXPIRED));
}

OrderRow OrderSaga::Refunded(const OrderRow& order, const Payment&) {
  return Move(order, Stage::kReleasing);
}

OrderRow OrderSaga::Released(const OrderRow& order, const std::optional<HoldGone>& gone) {
  const bool drop_cancelled = order.failure_code == kDropCancelled;
  if (!gone) {
    catalog_.ForgetSoldOut(order.drop_id);
  } else if (*gone == HoldGone::kConfirmed && !drop_cancelled) {
    // Only a cancelled drop's orders are withdrawn after their reservation was confirmed; the
    // drop's stock is frozen, so their units stay sold and are never sold again.
    throw Error(ErrorKind::kInternal, "reservation_confirmed",
                "order " + order.id + " is releasing a confirmed reservation");
  }
  // kNoReservation: it never landed (a cancellation before Reserve) — nothing to return;
  // should it land later, the expiry sweeper returns it.
  const bool cancelled = drop_cancelled || order.failure_code == kCancelledByBuyer;
  return Move(order, Stage::kDone, cancelled ? OrderStatus::kCancelled : OrderStatus::kFailed);
}

DropWithdrawal OrderSaga::WithdrawCancelledDrop(const std::string& drop_id, int batch) {
  DropWithdrawal out;
  for (;;) {
    const auto withdrawn = orders_.WithdrawForCancelledDrop(drop_id, batch);
    auto driven = DriveAll(withdrawn);
    for (std::size_t i = 0; i < withdrawn.size(); ++i) {
      ++out.withdrawn;
      try {
        driven[i].get();
        ++out.finished;
      } catch (const std::exception& e) {  // it is leased and stored: recovery carries it on
        spdlog::warn("order {} of cancelled drop {}: {}; recovery carries it on", withdrawn[i].id,
                     drop_id, e.what());
      }
    }
    if (static_cast<int>(withdrawn.size()) < batch) break;
  }
  out.left = orders_.CountLeftToWithdraw(drop_id);
  return out;
}

std::optional<OrderRow> OrderSaga::RequestCancel(const std::string& order_id) {
  return orders_.CancelUnpaid(order_id);
}

int OrderSaga::RecoverLapsed(int limit) {
  int finished = 0;
  const auto claimed = orders_.ClaimLapsed(limit);
  auto driven = DriveAll(claimed);
  for (std::size_t i = 0; i < claimed.size(); ++i) {
    const OrderRow& order = claimed[i];
    try {
      const auto done = driven[i].get();
      spdlog::info("recovered order {} from stage {}: {}", order.id, StageName(order.stage),
                   StatusName(done.status));
      ++finished;
    } catch (const std::exception& e) {
      spdlog::warn("order {} still stuck at stage {}: {}", order.id, StageName(order.stage),
                   e.what());
    }
  }
  return finished;
}

}  // namespace livedrop::orders
