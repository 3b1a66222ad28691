// The saga's every transition and compensation on fakes: no PostgreSQL, no processes. Each
// test scripts what inventory and payment answer, drives an order and checks the calls the
// saga made, the stages it stored and the outcome (with its event).
#include "order_saga.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "clients/fake_drops.h"
#include "clients/fake_inventory.h"
#include "clients/fake_payment.h"
#include "drop_catalog.h"
#include "fake_orders_repository.h"
#include "livedrop/core/executor.h"
#include "livedrop/core/ids.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/errors.h"

namespace livedrop::orders {
namespace {

using namespace std::chrono_literals;
using testing::ErrorCodeOf;
using Calls = std::vector<std::string>;
using Stages = std::vector<Stage>;

// The code a finished order answers its buyer with ("none" when confirmed).
std::string OutcomeCode(const OrderRow& order) {
  const auto error = OutcomeError(order);
  return error ? error->code() : "none";
}

SagaOptions FastOptions() {
  OrdersOptions options;
  options.stock_wait_interval = 1ms;
  return SagaOptions(options);
}

class OrderSagaTest : public ::testing::Test {
 protected:
  OrderSagaTest() {
    const auto now = Now();
    drop_ = DropTerms{NewUuid(), DropStatus::kLive, now - 1min, now + 1h, 2, 2500, "EUR"};
    drops_.Put(drop_);
  }

  // An order of one unit of the drop, stored at `stage`.
  OrderRow Order(Stage stage = Stage::kPlaced, OrderStatus status = OrderStatus::kPending) {
    OrderRow o;
    o.buyer_id = NewUuid();
    o.drop_id = drop_.id;
    o.quantity = 1;
    o.amount = 2500;
    o.currency = "EUR";
    o.payment_token = "tok_visa";
    o.stage = stage;
    o.status = status;
    return orders_.Insert(o);
  }
  OrderRow Stored(const OrderRow& order) { return orders_.Get(order.id); }
  Calls Inventory(std::initializer_list<const char*> methods, const OrderRow& order) {
    Calls calls;
    for (const char* m : methods) calls.push_back(std::string(m) + " " + order.id);
    return calls;
  }
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    for (const auto& e : orders_.events()) out.push_back(e.type + ":" + e.reason);
    return out;
  }
  // Reads on the executor's one thread, between its tasks (the fakes are not thread-safe).
  int OnPool(std::function<int()> read) {
    return Await<int>(
        [&](Then<int> then) { executor_.Post([read, then] { then(Reply<int>::From(read)); }); });
  }
  // How many charges payment holds, once it holds `n` (or when it stops waiting for them).
  int HeldChargesOnceThereAre(int n) {
    int held = 0;
    for (int probe = 0; probe < 2000 && held < n; ++probe) {
      held = OnPool([&] { return payment_.held_charges(); });
      if (held < n) std::this_thread::sleep_for(5ms);
    }
    return held;
  }
  static Error Unavailable() {
    return Error(ErrorKind::kUnavailable, "unavailable", "connection refused");
  }

  DropTerms drop_;
  FakeOrdersRepository orders_;
  FakeDrops drops_;
  FakeInventory inventory_;
  FakePayment payment_;
  DropCatalog catalog_{drops_, 1h, 1h};
  // One thread: every continuation runs on it, one at a time, as the fakes need.
  Executor executor_{{"saga test", 1}};
  OrderSaga saga_{orders_, catalog_, inventory_, payment_, executor_, FastOptions()};
};

// --- the way through ---------------------------------------------------------------------

TEST_F(OrderSagaTest, Drive_EveryStepAnswers_ReservesChargesConfirmsAndEndsConfirmed) {
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kConfirmed);
  EXPECT_EQ(done.stage, Stage::kDone);
  // A reservation goes straight on to charging, a succeeded charge to Confirm: neither
  // reserved nor charged is stored.
  EXPECT_EQ(orders_.Stages(order.id), (Stages{Stage::kPlaced, Stage::kCharging, Stage::kDone}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve", "Confirm"}, order));
  ASSERT_EQ(inventory_.reserved().size(), 1u);
  EXPECT_EQ(inventory_.reserved()[0].drop_id, drop_.id);
  EXPECT_EQ(inventory_.reserved()[0].buyer_id, order.buyer_id);
  EXPECT_EQ(inventory_.reserved()[0].quantity, 1);
  EXPECT_EQ(payment_.calls(), Calls{"Charge " + order.id});
  ASSERT_EQ(payment_.charged().size(), 1u);
  EXPECT_EQ(payment_.charged()[0].amount, 2500);
  EXPECT_EQ(payment_.charged()[0].currency, "EUR");
  EXPECT_EQ(payment_.charged()[0].payment_token, "tok_visa");
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_confirmed:"}));
}

// No thread waits while payment answers: on an executor of one thread, eight orders are all
// being charged at once (each step handed its thread back when it asked), and each ends
// confirmed when its answer comes. A saga that waited would have one charge out at a time.
TEST_F(OrderSagaTest, Drive_HoldsNoThreadWhilePaymentAnswers_EightOrdersBeingChargedOnOneThread) {
  constexpr int kOrders = 8;
  payment_.hold_charges = true;
  std::mutex mu;
  std::vector<OrderRow> finished;
  std::promise<void> all_finished;
  for (int i = 0; i < kOrders; ++i) {
    executor_.Post([&, order = Order()] {
      saga_.Drive(order, [&](Reply<OrderRow> reply) {
        std::lock_guard lock(mu);
        finished.push_back(std::move(reply).Get());
        if (static_cast<int>(finished.size()) == kOrders) all_finished.set_value();
      });
    });
  }
  EXPECT_EQ(HeldChargesOnceThereAre(kOrders), kOrders);
  EXPECT_EQ(OnPool([&] { return payment_.AnswerHeldCharges(); }), kOrders);
  ASSERT_EQ(all_finished.get_future().wait_for(30s), std::future_status::ready);
  for (const auto& order : finished) EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(OnPool([&] { return payment_.charges(); }), kOrders);
}

// Recovery drives the orders it claimed all at once: eight lapsed orders are all being
// charged at the same time, so a pass takes about as long as its slowest order, not the sum.
TEST_F(OrderSagaTest, Recovery_DrivesTheClaimedOrdersAtOnce_NotOneAfterAnother) {
  constexpr int kOrders = 8;
  payment_.hold_charges = true;
  for (int i = 0; i < kOrders; ++i) orders_.Lapse(Order(Stage::kCharging).id);
  std::future<int> recovered =
      std::async(std::launch::async, [&] { return saga_.RecoverLapsed(50); });
  EXPECT_EQ(HeldChargesOnceThereAre(kOrders), kOrders);
  // From now on payment answers at once, so a pass that drove one order after another would
  // still end (and fail only the count above).
  EXPECT_EQ(OnPool([&] {
              payment_.hold_charges = false;
              return payment_.AnswerHeldCharges();
            }),
            kOrders);
  ASSERT_EQ(recovered.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(recovered.get(), kOrders);
  EXPECT_EQ(OnPool([&] { return payment_.charges(); }), kOrders);
}

// Each order that ends is counted once by its final state (the dashboard's orders by outcome).
TEST_F(OrderSagaTest, FinishedOrders_AreCountedOnceByTheirFinalState) {
  auto count = [](const char* status) {
    return metrics::Registry::Default()
        .GetCounter("livedrop_orders_finished_total", "", {{"status", status}})
        .Value();
  };
  const double confirmed = count("confirmed"), failed = count("failed");
  const auto done = saga_.DriveToEnd(Order());
  saga_.DriveToEnd(done);  // already done: not counted again
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kSoldOut));
  saga_.DriveToEnd(Order());
  EXPECT_EQ(count("confirmed"), confirmed + 1);
  EXPECT_EQ(count("failed"), failed + 1);
}

// --- reserve refused -------------------------------------------------------------------

TEST_F(OrderSagaTest, Reserve_SoldOut_EndsFailedWithoutCharging_AndRemembersTheDropSoldOut) {
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kSoldOut));
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "sold_out");
  EXPECT_EQ(OutcomeCode(done), "sold_out");
  EXPECT_EQ(orders_.Stages(order.id), (Stages{Stage::kPlaced, Stage::kDone}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve"}, order));
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_TRUE(catalog_.KnownSoldOut(drop_.id));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_failed:sold_out"}));
}

TEST_F(OrderSagaTest, Reserve_OverTheBuyersLimit_EndsFailedLimitExceeded) {
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kLimitExceeded));
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "limit_exceeded");
  EXPECT_EQ(inventory_.Count("Reserve"), 1);
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_FALSE(catalog_.KnownSoldOut(drop_.id));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_failed:limit_exceeded"}));
}

TEST_F(OrderSagaTest, Reserve_NoStockAfterTheDropEnded_EndsFailedDropNotLive) {
  drop_.ends_at = Now() - 1s;
  drops_.Put(drop_);
  inventory_.reserve.AnswerFromNowOn(FakeInventory::Refused(ReserveRefusal::kNoStock));
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "drop_not_live");
  EXPECT_EQ(inventory_.Count("Reserve"), OrdersOptions{}.stock_wait_attempts);
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_failed:drop_not_live"}));
}

TEST_F(OrderSagaTest, Reserve_NoStockWhileOnSale_WaitsThenLeavesTheOrderPlacedAsUnavailable) {
  inventory_.reserve.AnswerFromNowOn(FakeInventory::Refused(ReserveRefusal::kNoStock));
  const auto order = Order();

  try {
    saga_.DriveToEnd(order);
    FAIL() << "a drop on sale without stock yet is not a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "stock_not_ready");
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
  EXPECT_EQ(inventory_.Count("Reserve"), OrdersOptions{}.stock_wait_attempts);
  EXPECT_EQ(Stored(order).stage, Stage::kPlaced);
  EXPECT_TRUE(orders_.events().empty());
}

TEST_F(OrderSagaTest, Reserve_StockArrivesWhileWaiting_GoesOnToConfirmed) {
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kNoStock));
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kNoStock));
  const auto done = saga_.DriveToEnd(Order());

  EXPECT_EQ(done.status, OrderStatus::kConfirmed);
  EXPECT_EQ(inventory_.Count("Reserve"), 3);
  EXPECT_EQ(payment_.charges(), 1);
}

TEST_F(OrderSagaTest, Reserve_Unavailable_ThrowsAndLeavesTheOrderPlaced) {
  inventory_.reserve.Fail(Unavailable());
  const auto order = Order();

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(order); }), "unavailable");
  EXPECT_EQ(inventory_.Count("Reserve"), 1);  // a transient failure is not waited out here
  EXPECT_EQ(Stored(order).stage, Stage::kPlaced);
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_TRUE(orders_.events().empty());
}

TEST_F(OrderSagaTest, Reserve_RetryFindsTheHoldLapsed_EndsFailedReservationExpired) {
  inventory_.reserve.Answer(FakeInventory::Holding(ReservationState::kExpired));
  const auto done = saga_.DriveToEnd(Order());

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "reservation_expired");
  EXPECT_TRUE(payment_.calls().empty());
}

// --- charge --------------------------------------------------------------------------------

TEST_F(OrderSagaTest, Charge_Declined_ReleasesTheStockAndEndsFailedWithTheReason) {
  payment_.charge.Answer(PaymentState::kFailed);
  payment_.decline = DeclineReason::kInsufficientFunds;
  catalog_.RememberSoldOut(drop_.id);  // the released unit is for sale again
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "insufficient_funds");
  EXPECT_EQ(OutcomeCode(done), "payment_declined");
  ASSERT_TRUE(OutcomeError(done).has_value());
  EXPECT_EQ(OutcomeError(done)->metadata().at("reason"), "insufficient_funds");
  EXPECT_EQ(orders_.Stages(order.id),
            (Stages{Stage::kPlaced, Stage::kCharging, Stage::kReleasing, Stage::kDone}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve", "Release"}, order));
  EXPECT_EQ(payment_.charges(), 0);
  EXPECT_FALSE(catalog_.KnownSoldOut(drop_.id));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_failed:insufficient_funds"}));
}

TEST_F(OrderSagaTest, Charge_NoAnswer_LeavesTheOrderChargingForRecovery) {
  payment_.charge.Fail(Error(ErrorKind::kDeadlineExceeded, "deadline_exceeded", "too slow"));
  const auto order = Order();

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(order); }), "deadline_exceeded");
  EXPECT_EQ(Stored(order).stage, Stage::kCharging);              // persisted before the call
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve"}, order));  // nothing released
  EXPECT_EQ(payment_.calls(), Calls{"Charge " + order.id});      // nothing refunded
  EXPECT_TRUE(orders_.events().empty());
}

TEST_F(OrderSagaTest, Charge_StillPending_LeavesTheOrderCharging) {
  payment_.charge.Answer(PaymentState::kPending);
  const auto order = Order();

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(order); }), "payment_pending");
  EXPECT_EQ(Stored(order).stage, Stage::kCharging);
  EXPECT_EQ(inventory_.Count("Release"), 0);
}

// --- confirm -------------------------------------------------------------------------------

TEST_F(OrderSagaTest, Confirm_HoldLapsedDuringThePayment_RefundsReleasesAndEndsExpired) {
  inventory_.confirm.Answer(HoldGone::kNotHeld);
  const auto order = Order();
  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "reservation_expired");
  EXPECT_EQ(OutcomeCode(done), "reservation_expired");
  EXPECT_EQ(orders_.Stages(order.id),
            (Stages{Stage::kPlaced, Stage::kCharging, Stage::kRefunding, Stage::kReleasing,
                    Stage::kDone}));
  EXPECT_EQ(payment_.calls(), (Calls{"Charge " + order.id, "Refund " + order.id}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve", "Confirm", "Release"}, order));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_failed:reservation_expired"}));
}

TEST_F(OrderSagaTest, Confirm_UnknownReservation_IsTreatedAsLapsedAndRefunded) {
  inventory_.confirm.Answer(HoldGone::kNoReservation);
  const auto done = saga_.DriveToEnd(Order());

  EXPECT_EQ(done.failure_code, "reservation_expired");
  EXPECT_EQ(payment_.Count("Refund"), 1);
}

TEST_F(OrderSagaTest, Confirm_FailsTransiently_IsRetriedByRecoveryWithoutChargingAgain) {
  inventory_.confirm.Fail(Unavailable());
  const auto order = Order();

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(order); }), "unavailable");
  EXPECT_EQ(Stored(order).stage, Stage::kCharging);  // the charge is not a stored stage

  orders_.Lapse(order.id);
  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kConfirmed);
  EXPECT_EQ(inventory_.Count("Confirm"), 2);
  EXPECT_EQ(payment_.Count("Charge"), 2);  // asked again: the same payment
  EXPECT_EQ(payment_.charges(), 1);
  EXPECT_EQ(payment_.Count("Refund"), 0);
}

TEST_F(OrderSagaTest, Refund_FailsTransiently_LeavesTheOrderRefundingUntilRecovery) {
  inventory_.confirm.Answer(HoldGone::kNotHeld);
  payment_.refund.Fail(Unavailable());
  const auto order = Order();

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(order); }), "unavailable");
  EXPECT_EQ(Stored(order).stage, Stage::kRefunding);
  EXPECT_EQ(inventory_.Count("Release"), 0);  // the stock goes back only once refunded

  orders_.Lapse(order.id);
  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).failure_code, "reservation_expired");
  EXPECT_EQ(payment_.Count("Refund"), 2);
  EXPECT_EQ(inventory_.Count("Release"), 1);
}

// --- recovery ------------------------------------------------------------------------------

TEST_F(OrderSagaTest, Recovery_FromPlaced_ReservesChargesAndConfirms) {
  const auto order = Order(Stage::kPlaced);
  orders_.Lapse(order.id);

  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kConfirmed);
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve", "Confirm"}, order));
  EXPECT_EQ(payment_.charges(), 1);
}

// kReserved is no longer stored, but rows an earlier build stored there are still driven on.
TEST_F(OrderSagaTest, Recovery_FromReserved_ChargesWithoutReservingAgain) {
  const auto order = Order(Stage::kReserved);
  orders_.Lapse(order.id);

  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kConfirmed);
  EXPECT_EQ(orders_.Stages(order.id),
            (Stages{Stage::kReserved, Stage::kCharging, Stage::kDone}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Confirm"}, order));
  EXPECT_EQ(payment_.charges(), 1);
}

TEST_F(OrderSagaTest, Recovery_FromCharging_AsksForTheChargeAgainButCapturesOnce) {
  const auto order = Order(Stage::kCharging);
  // The crashed driver's charge went through before its confirm.
  payment_.Charge(
      ChargeRequest{order.id, order.buyer_id, order.amount, order.currency, order.payment_token},
      [](Reply<Payment>) {});
  orders_.Lapse(order.id);

  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kConfirmed);
  EXPECT_EQ(payment_.Count("Charge"), 2);
  EXPECT_EQ(payment_.charges(), 1);
  EXPECT_EQ(inventory_.calls(), Inventory({"Confirm"}, order));
}

// kCharged is no longer stored, but rows an earlier build stored there are still driven on.
TEST_F(OrderSagaTest, Recovery_FromCharged_ConfirmsWithoutCharging) {
  const auto order = Order(Stage::kCharged);
  orders_.Lapse(order.id);

  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kConfirmed);
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_EQ(inventory_.calls(), Inventory({"Confirm"}, order));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_confirmed:"}));
}

TEST_F(OrderSagaTest, Recovery_TakesOnlyLapsedOrders_AndCountsOnlyThoseItFinished) {
  const auto lapsed = Order(Stage::kCharged);
  const auto stuck = Order(Stage::kCharged);
  const auto driven = Order(Stage::kCharged);  // its driver's lease still runs
  orders_.Lapse(lapsed.id);
  orders_.Lapse(stuck.id);
  // Claimed in id order by the fake; fail whichever of the two is confirmed second.
  const bool lapsed_first = lapsed.id < stuck.id;
  inventory_.confirm.Answer(std::nullopt);
  inventory_.confirm.Fail(Unavailable());

  EXPECT_EQ(saga_.RecoverLapsed(50), 1);
  EXPECT_EQ(Stored(lapsed_first ? lapsed : stuck).status, OrderStatus::kConfirmed);
  EXPECT_EQ(Stored(lapsed_first ? stuck : lapsed).stage, Stage::kCharged);
  EXPECT_EQ(Stored(driven).stage, Stage::kCharged);
  EXPECT_EQ(inventory_.Count("Confirm"), 2);
  EXPECT_EQ(saga_.RecoverLapsed(50), 0);  // claiming renewed the stuck order's lease
}

// --- cancel ----------------------------------------------------------------------------------

TEST_F(OrderSagaTest, Cancel_PlacedOrder_EndsCancelledEvenThoughNothingWasReserved) {
  inventory_.release.Answer(HoldGone::kNoReservation);
  const auto order = Order(Stage::kPlaced);

  const auto releasing = saga_.RequestCancel(order.id);
  ASSERT_TRUE(releasing.has_value());
  EXPECT_EQ(releasing->stage, Stage::kReleasing);
  const auto done = saga_.DriveToEnd(*releasing);

  EXPECT_EQ(done.status, OrderStatus::kCancelled);
  EXPECT_EQ(done.failure_code, "cancelled");
  EXPECT_EQ(inventory_.calls(), Inventory({"Release"}, order));
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_cancelled:cancelled"}));
}

TEST_F(OrderSagaTest, Cancel_ReservedOrder_ReleasesItsStock) {
  catalog_.RememberSoldOut(drop_.id);
  const auto order = Order(Stage::kReserved);

  const auto releasing = saga_.RequestCancel(order.id);
  ASSERT_TRUE(releasing.has_value());
  const auto done = saga_.DriveToEnd(*releasing);

  EXPECT_EQ(done.status, OrderStatus::kCancelled);
  EXPECT_EQ(orders_.Stages(order.id), (Stages{Stage::kReserved, Stage::kReleasing, Stage::kDone}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Release"}, order));
  EXPECT_FALSE(catalog_.KnownSoldOut(drop_.id));
}

TEST_F(OrderSagaTest, Cancel_OnceThePaymentStarted_IsNotPossible) {
  for (const Stage stage : {Stage::kCharging, Stage::kCharged, Stage::kDone}) {
    const auto order = Order(stage);
    EXPECT_FALSE(saga_.RequestCancel(order.id).has_value()) << StageName(stage);
    EXPECT_EQ(Stored(order).stage, stage);
  }
  EXPECT_TRUE(inventory_.calls().empty());
  EXPECT_TRUE(payment_.calls().empty());
}

// --- a cancelled drop ------------------------------------------------------------------------

TEST_F(OrderSagaTest, DropCancelled_ConfirmedOrder_IsRefundedOnceAndEndsCancelledRefunded) {
  inventory_.release.Answer(HoldGone::kConfirmed);  // its units were sold
  const auto order = Order(Stage::kDone, OrderStatus::kConfirmed);

  const auto done = saga_.WithdrawCancelledDrop(drop_.id, 50);
  const auto again = saga_.WithdrawCancelledDrop(drop_.id, 50);  // the event redelivered

  EXPECT_EQ(done.withdrawn, 1);
  EXPECT_EQ(done.finished, 1);
  EXPECT_EQ(again.withdrawn, 0);
  const auto stored = Stored(order);
  EXPECT_EQ(stored.status, OrderStatus::kCancelled);
  EXPECT_EQ(stored.failure_code, "drop_cancelled");
  EXPECT_TRUE(stored.refunded);
  EXPECT_EQ(orders_.Stages(order.id),
            (Stages{Stage::kDone, Stage::kRefunding, Stage::kReleasing, Stage::kDone}));
  EXPECT_EQ(payment_.calls(), (Calls{"Refund " + order.id}));
  EXPECT_EQ(inventory_.calls(), Inventory({"Release"}, order));
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_refunded:drop_cancelled"}));
  EXPECT_EQ(OutcomeCode(stored), "drop_not_live");
}

TEST_F(OrderSagaTest, DropCancelled_UnpaidOrders_AreReleasedWithNothingCharged) {
  const auto placed = Order(Stage::kPlaced);
  const auto reserved = Order(Stage::kReserved);

  const auto done = saga_.WithdrawCancelledDrop(drop_.id, 50);

  EXPECT_EQ(done.withdrawn, 2);
  for (const auto& order : {placed, reserved}) {
    const auto stored = Stored(order);
    EXPECT_EQ(stored.status, OrderStatus::kCancelled);
    EXPECT_EQ(stored.failure_code, "drop_cancelled");
    EXPECT_FALSE(stored.refunded);
  }
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_EQ(inventory_.Count("Release"), 2);
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_cancelled:drop_cancelled",
                                                "order_cancelled:drop_cancelled"}));
}

TEST_F(OrderSagaTest, DropCancelled_OrdersBeingChargedAreCounted_NotTouched_ThenRefundedOnceDone) {
  const auto charging = Order(Stage::kCharging);

  const auto first = saga_.WithdrawCancelledDrop(drop_.id, 50);

  EXPECT_EQ(first.withdrawn, 0);
  EXPECT_EQ(first.left, 1);
  EXPECT_EQ(Stored(charging).stage, Stage::kCharging);
  EXPECT_TRUE(payment_.calls().empty());

  // Its driver confirms it; the cancellation, asked again, refunds it.
  inventory_.release.Answer(HoldGone::kConfirmed);
  EXPECT_EQ(saga_.DriveToEnd(Stored(charging)).status, OrderStatus::kConfirmed);
  const auto second = saga_.WithdrawCancelledDrop(drop_.id, 50);

  EXPECT_EQ(second.withdrawn, 1);
  EXPECT_EQ(second.left, 0);
  EXPECT_TRUE(Stored(charging).refunded);
  EXPECT_EQ(payment_.Count("Refund"), 1);
  EXPECT_EQ(payment_.charges(), 1);
}

TEST_F(OrderSagaTest, DropCancelled_MoreOrdersThanABatch_AreAllWithdrawnBatchByBatch) {
  const auto a = Order(Stage::kPlaced), b = Order(Stage::kReserved), c = Order(Stage::kPlaced);

  const auto done = saga_.WithdrawCancelledDrop(drop_.id, 1);

  EXPECT_EQ(done.withdrawn, 3);
  EXPECT_EQ(done.left, 0);
  for (const auto& order : {a, b, c}) EXPECT_EQ(Stored(order).status, OrderStatus::kCancelled);
}

TEST_F(OrderSagaTest, DropCancelled_AnOrderConfirmedWhileTheWithdrawalRuns_IsLeft_ThenRefunded) {
  Order(Stage::kPlaced);
  // Another order of the drop is confirmed by its driver while the first is being released.
  OrderRow late;
  orders_.BeforeNextAdvance(
      [&](OrderRow&) { late = Order(Stage::kDone, OrderStatus::kConfirmed); });

  const auto first = saga_.WithdrawCancelledDrop(drop_.id, 50);

  EXPECT_EQ(first.withdrawn, 1);
  EXPECT_EQ(first.left, 1) << "the late confirmed order may not be forgotten";
  inventory_.release.Answer(HoldGone::kConfirmed);
  const auto second = saga_.WithdrawCancelledDrop(drop_.id, 50);
  EXPECT_EQ(second.withdrawn, 1);
  EXPECT_EQ(second.left, 0);
  EXPECT_TRUE(Stored(late).refunded);
  EXPECT_EQ(Stored(late).status, OrderStatus::kCancelled);
}

TEST_F(OrderSagaTest, DropCancelled_EndedAndOtherDropsOrders_AreLeftAlone) {
  const auto failed = Order(Stage::kDone, OrderStatus::kFailed);
  OrderRow other_drop = Order(Stage::kDone, OrderStatus::kConfirmed);
  other_drop.drop_id = NewUuid();
  other_drop = orders_.Insert(other_drop);

  EXPECT_EQ(saga_.WithdrawCancelledDrop(drop_.id, 50).withdrawn, 0);

  EXPECT_EQ(Stored(failed).status, OrderStatus::kFailed);
  EXPECT_EQ(Stored(other_drop).status, OrderStatus::kConfirmed);
  EXPECT_TRUE(payment_.calls().empty());
}

TEST_F(OrderSagaTest, DropCancelled_RefundFails_OrderStaysRefundingForRecovery_RefundedOnce) {
  inventory_.release.Answer(HoldGone::kConfirmed);
  payment_.refund.Fail(Unavailable());
  const auto order = Order(Stage::kDone, OrderStatus::kConfirmed);

  const auto done = saga_.WithdrawCancelledDrop(drop_.id, 50);

  EXPECT_EQ(done.withdrawn, 1);
  EXPECT_EQ(done.finished, 0);
  EXPECT_EQ(Stored(order).stage, Stage::kRefunding);
  orders_.Lapse(order.id);
  EXPECT_EQ(saga_.RecoverLapsed(10), 1);
  EXPECT_EQ(Stored(order).status, OrderStatus::kCancelled);
  EXPECT_TRUE(Stored(order).refunded);
  EXPECT_EQ(Events(), (std::vector<std::string>{"order_refunded:drop_cancelled"}));
}

TEST_F(OrderSagaTest, Release_ConfirmedReservationOfAnOrderNotOfACancelledDrop_IsAnError) {
  inventory_.release.Answer(HoldGone::kConfirmed);
  const auto order = Order(Stage::kReserved);
  const auto releasing = saga_.RequestCancel(order.id);
  ASSERT_TRUE(releasing.has_value());

  EXPECT_EQ(ErrorCodeOf([&] { saga_.DriveToEnd(*releasing); }), "reservation_confirmed");
  EXPECT_EQ(Stored(order).stage, Stage::kReleasing);
}

TEST_F(OrderSagaTest, Reserve_FrozenStockOfACancelledDrop_FailsTheOrderDropNotLive) {
  inventory_.reserve.Answer(FakeInventory::Refused(ReserveRefusal::kDropNotLive));

  const auto done = saga_.DriveToEnd(Order());

  EXPECT_EQ(done.status, OrderStatus::kFailed);
  EXPECT_EQ(done.failure_code, "drop_not_live");
  EXPECT_TRUE(payment_.calls().empty());
}

// --- idempotent replays and concurrent drivers ---------------------------------------------

TEST_F(OrderSagaTest, Drive_FinishedOrder_CallsNothing) {
  const auto order = Order(Stage::kDone, OrderStatus::kConfirmed);

  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kConfirmed);
  EXPECT_TRUE(inventory_.calls().empty());
  EXPECT_TRUE(payment_.calls().empty());
  EXPECT_TRUE(orders_.events().empty());
}

TEST_F(OrderSagaTest, Drive_StaleCopyOfAFinishedOrder_EndsWithTheStoredOutcomeAndChargesOnce) {
  const auto order = Order();
  saga_.DriveToEnd(order);
  const auto again = saga_.DriveToEnd(order);  // a second driver that read the order at placed

  EXPECT_EQ(again.status, OrderStatus::kConfirmed);
  EXPECT_EQ(payment_.charges(), 1);
  EXPECT_EQ(payment_.Count("Charge"), 1);
  EXPECT_EQ(orders_.lost_advances(), 1);
  EXPECT_EQ(orders_.events().size(), 1u);
}

TEST_F(OrderSagaTest, Drive_SomeoneElseMovedTheOrderFirst_CarriesOnFromTheirStage) {
  const auto order = Order();
  orders_.BeforeNextAdvance([](OrderRow& row) { row.stage = Stage::kCharged; });

  const auto done = saga_.DriveToEnd(order);

  EXPECT_EQ(done.status, OrderStatus::kConfirmed);
  EXPECT_EQ(orders_.lost_advances(), 1);
  EXPECT_EQ(inventory_.calls(), Inventory({"Reserve", "Confirm"}, order));
  EXPECT_TRUE(payment_.calls().empty());  // the other driver charged
}

}  // namespace
}  // namespace livedrop::orders
