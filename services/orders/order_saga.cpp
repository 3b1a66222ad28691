#include "order_saga.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <map>
#include <thread>

#include "clients/inventory_port.h"
#include "clients/payment_port.h"
#include "drop_catalog.h"
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
                     PaymentPort& payment, SagaOptions options)
    : orders_(orders),
      catalog_(catalog),
      inventory_(inventory),
      payment_(payment),
      options_(options) {
  Finished(OrderStatus::kConfirmed);  // registers every state's counter
}

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
  const auto moved = orders_.Advance(order, to, status, failure_code);
  if (!moved) return Reload(order.id);  // someone else moved it: carry on from there
  if (to == Stage::kDone) Finished(moved->status).Inc();
#ifdef LIVEDROP_FAULT_INJECTION
  if (options_.crash_after && *options_.crash_after == to) {
    spdlog::critical("fault injection: exiting after stage {} of order {}", StageName(to),
                     order.id);
    std::_Exit(70);
  }
#endif
  return *moved;
}

OrderRow OrderSaga::Reload(const std::string& id) {
  const auto row = orders_.Find(id);
  if (!row) throw Error(ErrorKind::kInternal, "order_vanished", "order " + id + " vanished");
  return *row;
}

OrderRow OrderSaga::Reserve(const OrderRow& order) {
  const ReserveRequest request{order.id, order.drop_id, order.buyer_id, order.quantity};
  ReserveResult result = inventory_.Reserve(request);
  // Stock is created from drop_scheduled through Kafka; a drop that starts right after it
  // was scheduled may be a moment ahead of its stock.
  for (int attempt = 1;
       attempt < options_.stock_wait_attempts && result.refusal == ReserveRefusal::kNoStock;
       ++attempt) {
    std::this_thread::sleep_for(options_.stock_wait_interval);
    result = inventory_.Reserve(request);
  }
  if (!result.refusal) {
    // A retry after the hold lapsed finds its reservation gone: the order cannot go on.
    if (result.state != ReservationState::kHeld && result.state != ReservationState::kConfirmed) {
      return Move(order, Stage::kDone, OrderStatus::kFailed,
                  rpc::EnumCode(common::v1::REASON_RESERVATION_EXPIRED));
    }
    return Move(order, Stage::kReserved);
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

OrderRow OrderSaga::Charge(const OrderRow& order) {
  // The charge is idempotent: when it throws, the next try learns the outcome.
  const Payment payment = payment_.Charge(
      ChargeRequest{order.id, order.buyer_id, order.amount, order.currency, order.payment_token});
  switch (payment.state) {
    case PaymentState::kSucceeded:
      return Move(order, Stage::kCharged);
    case PaymentState::kFailed:
      return Move(order, Stage::kReleasing, OrderStatus::kPending,
                  DeclineReasonName(payment.decline.value_or(DeclineReason::kOther)));
    case PaymentState::kPending:
    case PaymentState::kRefunded:
      break;
  }
  throw Error(ErrorKind::kUnavailable, "payment_pending",
              "the payment of order " + order.id + " is not settled yet");
}

OrderRow OrderSaga::Confirm(const OrderRow& order) {
  if (!inventory_.Confirm(order.id)) return Move(order, Stage::kDone, OrderStatus::kConfirmed);
  // The hold lapsed (the expiry sweeper returned the stock) while the payment ran.
  spdlog::warn("order {}: reservation lapsed before confirm; refunding", order.id);
  return Move(order, Stage::kRefunding, OrderStatus::kPending,
              rpc::EnumCode(common::v1::REASON_RESERVATION_EXPIRED));
}

OrderRow OrderSaga::Refund(const OrderRow& order) {
  payment_.Refund(order.id);
  return Move(order, Stage::kReleasing);
}

OrderRow OrderSaga::Release(const OrderRow& order) {
  const bool drop_cancelled = order.failure_code == kDropCancelled;
  const auto gone = inventory_.Release(order.id);
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
    for (const auto& order : withdrawn) {
      ++out.withdrawn;
      try {
        Drive(order);
        ++out.finished;
      } catch (const std::exception& e) {  // it is leased and stored: recovery carries it on
        spdlog::warn("order {} of cancelled drop {}: {}; recovery carries it on", order.id, drop_id,
                     e.what());
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
  for (const auto& order : orders_.ClaimLapsed(limit)) {
    try {
      const auto done = Drive(order);
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
