#pragma once

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/reply.h"
#include "orders_logic.h"
#include "orders_options.h"

namespace livedrop {
class Executor;
}

namespace livedrop::orders {

class DropCatalog;
class InventoryPort;
class OrdersRepository;
class PaymentPort;
struct Payment;
struct ReserveResult;
enum class HoldGone;

// The saga's settings, taken from OrdersOptions so they cannot disagree with the flags.
struct SagaOptions {
  explicit SagaOptions(const OrdersOptions& options = {})
      : stock_wait_attempts(options.stock_wait_attempts),
        stock_wait_interval(options.stock_wait_interval),
        crash_after(options.crash_after) {}

  int stock_wait_attempts;
  std::chrono::milliseconds stock_wait_interval;
  std::optional<Stage> crash_after;  // fault injection: exit right after persisting it
};

// What withdrawing a cancelled drop's orders came to (OrderSaga::WithdrawCancelledDrop).
struct DropWithdrawal {
  int withdrawn = 0;  // orders moved to releasing or refunding now
  int finished = 0;   // of those, driven to their end now (the rest: by recovery)
  int left = 0;  // orders of the drop that may still end paid (OrdersStore::CountLeftToWithdraw)
};

// Drives an order through reserve → charge → confirm (or release / refund) until it is done.
// Each step is an idempotent call keyed by the order id followed by a conditional stage
// change (`UPDATE … WHERE stage = <from>`), so the request that placed the order, the
// recovery loop and a cancellation can all drive the same order without doing anything twice:
// whoever loses a stage change re-reads the order and carries on from where it is.
// No thread waits while inventory or payment answers: a step starts its call and returns,
// and the reply continues the order on the executor (the stage change, a PostgreSQL round
// trip, runs there), so orders in flight are not bounded by threads.
// Part of the app layer; it does no I/O of its own: other services through their ports, the
// orders table through OrdersRepository.
class OrderSaga {
 public:
  OrderSaga(OrdersRepository& orders, DropCatalog& catalog, InventoryPort& inventory,
            PaymentPort& payment, Executor& executor, SagaOptions options);

  // Drives the order to its end, starting on the calling thread; `done` gets the order once
  // done, or the error of a step that cannot be made now (unavailable, deadline_exceeded...):
  // the order stays where it is and the recovery loop resumes it.
  void Drive(OrderRow order, Then<OrderRow> done);
  // The same, waiting for the end (or throwing that error). For threads that may wait —
  // recovery, a cancellation, tests — never for one of the executor's.
  OrderRow DriveToEnd(OrderRow order);

  // Moves an unpaid order (placed or reserved) to releasing with reason "cancelled" and
  // returns it; nothing if it is past that (or already cancelling).
  std::optional<OrderRow> RequestCancel(const std::string& order_id);

  // For a cancelled drop: withdraws every order of it that can be withdrawn now — unpaid
  // ones are released, confirmed ones refunded then released, each ending cancelled with
  // reason drop_cancelled — and drives each to its end. Repeating it is safe and withdraws
  // only what was not withdrawn before; orders still being charged are counted, not touched
  // (their driver either fails them or confirms them, and the next call refunds those).
  // Withdraws and drives `batch` orders at a time (all of a batch at once), so each batch's
  // leases outlast its driving.
  DropWithdrawal WithdrawCancelledDrop(const std::string& drop_id, int batch);

  // One pass of the recovery loop: takes over up to `limit` unfinished orders whose driver's
  // lease lapsed (the process crashed, or a step failed and the request gave up) and drives
  // them to their end, all at once (DriveAll). Safe with several instances: claiming
  // skips rows another instance has locked, and each claim renews the lease. Returns how many
  // orders were finished.
  int RecoverLapsed(int limit);

 private:
  // Starts driving every order at once — each waits on its own calls, none on another's, so
  // a batch takes about as long as its slowest order — on the executor; each future gives
  // that order's end (or its step's error), in order. Waited for only on threads that may
  // wait, as DriveToEnd.
  std::vector<std::future<OrderRow>> DriveAll(const std::vector<OrderRow>& orders);
  // Starts the step from order.stage; `next` gets the order after it (re-read if someone
  // else moved it).
  void Step(const OrderRow& order, Then<OrderRow> next);
  void Reserve(const OrderRow& order, int attempt, Then<OrderRow> next);
  // Charges a charging order; a succeeded charge goes straight on to Confirm (Charge).
  void Charge(const OrderRow& order, Then<OrderRow> next);
  void Confirm(const OrderRow& order, Then<OrderRow> next);
  // A Then for a port's reply that continues on the executor with `decide`.
  template <class T>
  Then<T> Decide(const OrderRow& order, Then<OrderRow> next,
                 OrderRow (OrderSaga::*decide)(const OrderRow&, const T&));

  // What each reply decides: the stage the order moves to.
  OrderRow Reserved(const OrderRow& order, const ReserveResult& result);
  // A charge that did not succeed (declined, or not settled yet).
  OrderRow NotCharged(const OrderRow& order, const Payment& payment);
  OrderRow Confirmed(const OrderRow& order, const std::optional<HoldGone>& gone);
  OrderRow Refunded(const OrderRow& order, const Payment& payment);
  OrderRow Released(const OrderRow& order, const std::optional<HoldGone>& gone);

  OrderRow Move(const OrderRow& order, Stage to, OrderStatus status = OrderStatus::kPending,
                const std::string& failure_code = "");
  OrderRow Reload(const std::string& id);
  // Fault injection (options_.crash_after): the process exits once the order got past `point`.
  void CrashPoint(Stage point, const std::string& order_id) const;

  OrdersRepository& orders_;
  DropCatalog& catalog_;
  InventoryPort& inventory_;
  PaymentPort& payment_;
  Executor& executor_;
  SagaOptions options_;
};

}  // namespace livedrop::orders
