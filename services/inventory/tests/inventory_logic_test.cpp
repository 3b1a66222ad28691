// The stock decisions without a database: each rule of DecideBatch, mixed batches, the writes
// and the events it asks for, replays, and the answers a final reservation gets without a lock.
#include "inventory_logic.h"

#include <gtest/gtest.h>

#include <climits>

namespace livedrop::inventory {
namespace {

using namespace std::chrono_literals;
using K = StockRequest::Kind;

constexpr char kDrop[] = "drop";
const TimePoint kNow = TimePoint(std::chrono::microseconds(1'700'000'000'000'000));
constexpr std::chrono::microseconds kHold = 300s;

StockRow Stock(int total, int available, int per_buyer_limit, int reserved = 0, int sold = 0) {
  StockRow s;
  s.drop_id = kDrop;
  s.total = total;
  s.available = available;
  s.reserved = reserved;
  s.sold = sold;
  s.per_buyer_limit = per_buyer_limit;
  s.low_stock_threshold = DefaultLowStockThreshold(total);
  return s;
}

ReservationRow Held(const std::string& order, const std::string& buyer, int quantity,
                    TimePoint expires_at = kNow + kHold) {
  return ReservationRow{order, kDrop, buyer, quantity, ReservationState::kHeld, expires_at};
}

ReservationRow In(ReservationState state, ReservationRow row) {
  row.state = state;
  return row;
}

StockRequest Reserve(const std::string& order, const std::string& buyer, int quantity) {
  return StockRequest{K::kReserve, order, buyer, quantity};
}
StockRequest Confirm(const std::string& order) { return StockRequest{K::kConfirm, order}; }
StockRequest Release(const std::string& order) { return StockRequest{K::kRelease, order}; }
StockRequest Expire(const std::string& order) { return StockRequest{K::kExpire, order}; }

BatchDecision Decide(const StockRow& stock, const std::vector<StockRequest>& requests,
                     const std::vector<ReservationRow>& existing = {},
                     const std::map<std::string, int>& held = {}, TimePoint now = kNow) {
  return DecideBatch(stock, existing, held, requests, now, kHold);
}

std::string Code(const StockOutcome& o) { return o.error ? o.error->code() : "ok"; }

std::string ErrorCodeOfReserve(const StockRow& stock) {
  try {
    CheckReserve(stock, 0, 1);
  } catch (const Error& e) {
    return e.code();
  }
  return "ok";
}

std::vector<std::string> Codes(const BatchDecision& d) {
  std::vector<std::string> out;
  for (const auto& o : d.outcomes) out.push_back(Code(o));
  return out;
}

TEST(DecideBatchTest, Reserve_WithStockLeft_HoldsItUntilNowPlusHold) {
  const auto d = Decide(Stock(10, 10, 5), {Reserve("o1", "b1", 3)});
  ASSERT_EQ(d.outcomes.size(), 1u);
  EXPECT_EQ(Code(d.outcomes[0]), "ok");
  EXPECT_TRUE(d.outcomes[0].changed);
  const auto& r = *d.outcomes[0].reservation;
  EXPECT_EQ(r.order_id, "o1");
  EXPECT_EQ(r.drop_id, kDrop);
  EXPECT_EQ(r.buyer_id, "b1");
  EXPECT_EQ(r.quantity, 3);
  EXPECT_EQ(r.state, ReservationState::kHeld);
  EXPECT_EQ(r.expires_at, kNow + kHold);
  ASSERT_EQ(d.inserts.size(), 1u);
  EXPECT_EQ(d.inserts[0].order_id, "o1");
  EXPECT_TRUE(d.state_changes.empty());
  EXPECT_EQ(d.d_available, -3);
  EXPECT_EQ(d.d_reserved, 3);
  EXPECT_EQ(d.d_sold, 0);
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideBatchTest, Reserve_MoreThanLeft_IsSoldOutButALaterSmallerOneFits) {
  const auto d = Decide(Stock(10, 2, 5, 8),
                        {Reserve("o1", "b1", 3), Reserve("o2", "b2", 2), Reserve("o3", "b3", 1)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"sold_out", "ok", "sold_out"}));
  EXPECT_EQ(d.outcomes[0].error->metadata().at("available"), "2");
  EXPECT_EQ(d.outcomes[2].error->metadata().at("available"), "0");
  EXPECT_FALSE(d.outcomes[0].changed);
  ASSERT_EQ(d.inserts.size(), 1u);
  EXPECT_EQ(d.inserts[0].order_id, "o2");
  EXPECT_EQ(d.d_available, -2);
}

TEST(DecideBatchTest, Reserve_BuyerLimit_CountsEarlierRequestsOfTheBatch) {
  const auto d = Decide(Stock(100, 100, 3), {Reserve("o1", "b1", 2), Reserve("o2", "b1", 2),
                                             Reserve("o3", "b1", 1), Reserve("o4", "b2", 3)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "limit_exceeded", "ok", "ok"}));
  EXPECT_EQ(d.outcomes[1].error->metadata().at("per_buyer_limit"), "3");
  EXPECT_EQ(d.d_reserved, 6);
}

TEST(DecideBatchTest, Reserve_BuyerLimit_CountsHeldAndBoughtUnits) {
  const auto d = Decide(Stock(100, 96, 4, 2, 2), {Reserve("o1", "b1", 1), Reserve("o2", "b2", 4)},
                        {}, {{"b1", 4}});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"limit_exceeded", "ok"}));
}

TEST(DecideBatchTest, Reserve_HugeQuantities_AreLimitExceededWithoutOverflow) {
  const auto d = Decide(Stock(INT_MAX, INT_MAX, INT_MAX - 1),
                        {Reserve("o1", "b1", INT_MAX), Reserve("o2", "b2", INT_MAX - 1),
                         Reserve("o3", "b2", INT_MAX)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"limit_exceeded", "ok", "limit_exceeded"}));
  EXPECT_EQ(d.d_available, -(INT_MAX - 1));
}

TEST(DecideBatchTest, Reserve_QuantityBelowOne_IsValidationFailed) {
  const auto d = Decide(Stock(10, 10, 5), {Reserve("o1", "b1", 0), Reserve("o2", "b1", -1)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"validation_failed", "validation_failed"}));
  EXPECT_TRUE(d.inserts.empty());
  EXPECT_FALSE(d.StockChanged());
}

TEST(DecideBatchTest, Reserve_ReplayOfAStoredReservation_ReturnsItAndChangesNothing) {
  const auto stored = Held("o1", "b1", 2, kNow + 10s);
  const auto d = Decide(Stock(10, 8, 5, 2), {Reserve("o1", "b1", 2)}, {stored});
  EXPECT_EQ(Code(d.outcomes[0]), "ok");
  EXPECT_FALSE(d.outcomes[0].changed);
  EXPECT_EQ(d.outcomes[0].reservation->expires_at, kNow + 10s);
  EXPECT_TRUE(d.inserts.empty());
  EXPECT_TRUE(d.state_changes.empty());
  EXPECT_FALSE(d.StockChanged());
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideBatchTest, Reserve_ReplayOfAConfirmedReservation_ReturnsItConfirmed) {
  const auto stored = In(ReservationState::kConfirmed, Held("o1", "b1", 2));
  const auto d = Decide(Stock(10, 8, 2, 0, 2), {Reserve("o1", "b1", 2)}, {stored});
  EXPECT_EQ(Code(d.outcomes[0]), "ok");
  EXPECT_EQ(d.outcomes[0].reservation->state, ReservationState::kConfirmed);
  EXPECT_FALSE(d.StockChanged());
}

TEST(DecideBatchTest, Reserve_SameOrderTwiceInOneBatch_TheSecondIsAReplay) {
  const auto d = Decide(Stock(10, 10, 5), {Reserve("o1", "b1", 2), Reserve("o1", "b1", 2)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok"}));
  EXPECT_TRUE(d.outcomes[0].changed);
  EXPECT_FALSE(d.outcomes[1].changed);
  EXPECT_EQ(d.outcomes[1].reservation->expires_at, d.outcomes[0].reservation->expires_at);
  EXPECT_EQ(d.inserts.size(), 1u);
  EXPECT_EQ(d.d_reserved, 2);
}

TEST(DecideBatchTest, Reserve_SameOrderForSomethingElse_IsReservationMismatch) {
  const auto stored = Held("o1", "b1", 2);
  auto other_drop = Held("o2", "b1", 2);
  other_drop.drop_id = "another-drop";
  const auto d = Decide(Stock(10, 6, 5, 4),
                        {Reserve("o1", "b2", 2), Reserve("o1", "b1", 3), Reserve("o2", "b1", 2),
                         Reserve("o3", "b1", 1), Reserve("o3", "b1", 2)},
                        {stored, other_drop}, {{"b1", 2}});
  EXPECT_EQ(Codes(d),
            (std::vector<std::string>{"reservation_mismatch", "reservation_mismatch",
                                      "reservation_mismatch", "ok", "reservation_mismatch"}));
  EXPECT_EQ(d.outcomes[0].error->metadata().at("field"), "buyer_id");
  EXPECT_EQ(d.outcomes[1].error->metadata().at("field"), "quantity");
  EXPECT_EQ(d.outcomes[2].error->metadata().at("field"), "drop_id");
  EXPECT_EQ(d.outcomes[4].error->metadata().at("field"), "quantity");
  EXPECT_EQ(d.d_reserved, 1);
}

StockRow Frozen(StockRow stock) {
  stock.frozen = true;
  return stock;
}

TEST(DecideBatchTest, Reserve_OfAFrozenDrop_IsDropNotLiveAndMovesNothing) {
  const auto d = Decide(Frozen(Stock(10, 10, 5)), {Reserve("o1", "b1", 1)});
  ASSERT_EQ(Code(d.outcomes[0]), "drop_not_live");
  EXPECT_EQ(d.outcomes[0].error->kind(), ErrorKind::kFailedPrecondition);
  EXPECT_STREQ(d.outcomes[0].error->what(), "the drop was cancelled");
  EXPECT_FALSE(d.outcomes[0].reservation);
  EXPECT_TRUE(d.inserts.empty());
  EXPECT_FALSE(d.StockChanged());
  EXPECT_EQ(ErrorCodeOfReserve(Frozen(Stock(10, 0, 5, 10))), "drop_not_live");  // not sold_out
}

// A replay must still answer the reservation the order holds, and the held units of a
// cancelled drop still leave the way they always do (confirmed or released).
TEST(DecideBatchTest, FrozenDrop_ReplaysAnswerAndHeldReservationsConfirmOrRelease) {
  const auto d = Decide(Frozen(Stock(10, 6, 5, 4)),
                        {Reserve("o1", "b1", 2), Confirm("o1"), Release("o2"),
                         Reserve("o1", "b1", 2), Reserve("o3", "b3", 1)},
                        {Held("o1", "b1", 2), Held("o2", "b2", 2)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok", "ok", "ok", "drop_not_live"}));
  EXPECT_EQ(d.outcomes[0].reservation->state, ReservationState::kHeld);
  EXPECT_FALSE(d.outcomes[0].changed);
  EXPECT_EQ(d.outcomes[3].reservation->state, ReservationState::kConfirmed);
  EXPECT_TRUE(d.inserts.empty());
  EXPECT_EQ(d.d_available, 2);
  EXPECT_EQ(d.d_reserved, -4);
  EXPECT_EQ(d.d_sold, 2);
}

TEST(DecideBatchTest, ReleaseOfAFrozenSoldOutDrop_SaysNoRestocked) {
  auto sold_out = Frozen(Stock(10, 0, 10, 10));
  sold_out.low_stock_sent = true;
  const auto d = Decide(sold_out, {Release("o1")}, {Held("o1", "b1", 4)});
  EXPECT_EQ(Code(d.outcomes[0]), "ok");
  EXPECT_EQ(d.d_available, 4);
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideBatchTest, Confirm_Held_MovesReservedToSoldOnceAndRepliesAlike) {
  const auto d = Decide(Stock(10, 8, 5, 2), {Confirm("o1"), Confirm("o1")}, {Held("o1", "b1", 2)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok"}));
  EXPECT_TRUE(d.outcomes[0].changed);
  EXPECT_FALSE(d.outcomes[1].changed);
  EXPECT_EQ(d.outcomes[1].reservation->state, ReservationState::kConfirmed);
  ASSERT_EQ(d.state_changes.size(), 1u);
  EXPECT_EQ(d.state_changes[0], std::make_pair(std::string("o1"), ReservationState::kConfirmed));
  EXPECT_EQ(d.d_available, 0);
  EXPECT_EQ(d.d_reserved, -2);
  EXPECT_EQ(d.d_sold, 2);
  EXPECT_TRUE(d.events.empty());
}

TEST(DecideBatchTest, Confirm_ReleasedOrExpired_IsReservationNotHeld) {
  const auto d = Decide(Stock(10, 10, 5), {Confirm("o1"), Confirm("o2")},
                        {In(ReservationState::kReleased, Held("o1", "b1", 1)),
                         In(ReservationState::kExpired, Held("o2", "b2", 1))});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"reservation_not_held", "reservation_not_held"}));
  EXPECT_FALSE(d.outcomes[0].reservation);
  EXPECT_TRUE(d.state_changes.empty());
  EXPECT_FALSE(d.StockChanged());
}

TEST(DecideBatchTest, Release_Held_ReturnsStockOnce_AndAConfirmedOneIsRefused) {
  const auto d =
      Decide(Stock(10, 5, 5, 3, 2), {Release("o1"), Release("o1"), Release("o2")},
             {Held("o1", "b1", 3), In(ReservationState::kConfirmed, Held("o2", "b2", 2))});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok", "reservation_confirmed"}));
  EXPECT_TRUE(d.outcomes[0].changed);
  EXPECT_FALSE(d.outcomes[1].changed);
  EXPECT_EQ(d.outcomes[1].reservation->state, ReservationState::kReleased);
  EXPECT_EQ(
      d.state_changes,
      (std::vector<std::pair<std::string, ReservationState>>{{"o1", ReservationState::kReleased}}));
  EXPECT_EQ(d.d_available, 3);
  EXPECT_EQ(d.d_reserved, -3);
}

TEST(DecideBatchTest, Release_FreesTheBuyersLimitForTheirLaterReserve) {
  const auto d =
      Decide(Stock(10, 8, 2, 2), {Reserve("o2", "b1", 2), Release("o1"), Reserve("o3", "b1", 2)},
             {Held("o1", "b1", 2)}, {{"b1", 2}});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"limit_exceeded", "ok", "ok"}));
  EXPECT_EQ(d.d_reserved, 0);
  EXPECT_EQ(d.d_available, 0);
}

TEST(DecideBatchTest, Expire_OnlyHoldsDueAtNow_AndNeverAnError) {
  const auto d = Decide(Stock(10, 4, 10, 4, 2),
                        {Expire("due"), Expire("later"), Expire("bought"), Expire("due")},
                        {Held("due", "b1", 3, kNow), Held("later", "b2", 1, kNow + 1us),
                         In(ReservationState::kConfirmed, Held("bought", "b3", 2, kNow - 1s))});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok", "ok", "ok"}));
  EXPECT_TRUE(d.outcomes[0].changed);
  EXPECT_FALSE(d.outcomes[1].changed);
  EXPECT_FALSE(d.outcomes[2].changed);
  EXPECT_FALSE(d.outcomes[3].changed);
  EXPECT_EQ(d.outcomes[0].reservation->state, ReservationState::kExpired);
  EXPECT_EQ(d.outcomes[1].reservation->state, ReservationState::kHeld);
  EXPECT_EQ(
      d.state_changes,
      (std::vector<std::pair<std::string, ReservationState>>{{"due", ReservationState::kExpired}}));
  EXPECT_EQ(d.d_available, 3);
  EXPECT_EQ(d.d_reserved, -3);
}

TEST(DecideBatchTest, UnknownOrder_IsNotFoundForConfirmReleaseAndExpire) {
  const auto d = Decide(Stock(10, 10, 5), {Confirm("x"), Release("y"), Expire("z")});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"not_found", "not_found", "not_found"}));
  EXPECT_FALSE(d.StockChanged());
}

TEST(DecideBatchTest, ReservationOfAnotherDrop_IsNotFoundHere_AndMovesNoUnits) {
  // A Confirm or Release told the wrong drop reaches this drop's batch with a reservation of
  // another: it must not sell or return that drop's units from this one's stock.
  ReservationRow elsewhere = Held("o1", "b1", 2);
  elsewhere.drop_id = "another-drop";
  const auto d = Decide(Stock(10, 8, 5, 2), {Confirm("o1"), Release("o1")}, {elsewhere});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"not_found", "not_found"}));
  EXPECT_FALSE(d.StockChanged());
  EXPECT_TRUE(d.state_changes.empty());
}

TEST(DecideBatchTest, NoStockRow_AnswersNotFoundAndWritesNothing) {
  const auto d =
      DecideBatch(std::nullopt, {}, {}, {Reserve("o1", "b1", 1), Confirm("o2")}, kNow, kHold);
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"not_found", "not_found"}));
  EXPECT_STREQ(d.outcomes[0].error->what(), "stock not found");
  EXPECT_STREQ(d.outcomes[1].error->what(), "reservation not found");
  EXPECT_TRUE(d.inserts.empty());
  EXPECT_FALSE(d.StockChanged());
}

TEST(DecideBatchTest, LastUnits_SayOnlySoldOut_EvenFromAboveTheLowStockLine) {
  const auto d = Decide(Stock(20, 5, 5), {Reserve("o1", "b1", 5)});
  EXPECT_EQ(d.events, std::vector<StockEvent>{StockEvent::kSoldOut});
  EXPECT_FALSE(d.low_stock_sent);
}

TEST(DecideBatchTest, FallingBelowTheLowStockLine_SaysLowStockOnce) {
  // 20 units: the line is 2; 1 left is below it.
  const auto first = Decide(Stock(20, 3, 5, 17), {Reserve("o1", "b1", 2)});
  EXPECT_EQ(first.events, std::vector<StockEvent>{StockEvent::kLowStock});
  EXPECT_TRUE(first.low_stock_sent);
  // Still below it after a later change: said already, so not again.
  auto below = Stock(20, 1, 5, 19);
  EXPECT_EQ(Decide(below, {Confirm("o2")}, {Held("o2", "b2", 1)}).events,
            std::vector<StockEvent>{StockEvent::kLowStock});
  below.low_stock_sent = true;
  const auto again = Decide(below, {Confirm("o2")}, {Held("o2", "b2", 1)});
  EXPECT_TRUE(again.StockChanged());
  EXPECT_TRUE(again.events.empty());
  EXPECT_FALSE(again.low_stock_sent);
  // Exactly at the line is not below it.
  const auto at_line = Decide(Stock(20, 4, 5, 16), {Reserve("o3", "b3", 2)});
  EXPECT_TRUE(at_line.events.empty());
}

TEST(DecideBatchTest, ReleaseOfASoldOutDrop_SaysRestocked) {
  auto sold_out = Stock(10, 0, 10, 10);
  sold_out.low_stock_sent = true;
  const auto d = Decide(sold_out, {Release("o1")}, {Held("o1", "b1", 4)});
  EXPECT_EQ(d.events, std::vector<StockEvent>{StockEvent::kRestocked});
  EXPECT_EQ(d.d_available, 4);
}

TEST(DecideBatchTest, ReleasedAndTakenAgainInOneBatch_TheNetChangeSaysNothing) {
  const auto d =
      Decide(Stock(10, 0, 10, 10), {Release("o1"), Reserve("o2", "b2", 1)}, {Held("o1", "b1", 1)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok"}));
  EXPECT_FALSE(d.StockChanged());  // so the stock row is not even written
  EXPECT_TRUE(d.events.empty());
  EXPECT_EQ(d.inserts.size(), 1u);
  EXPECT_EQ(d.state_changes.size(), 1u);
}

TEST(DecideBatchTest, ReservedAndReleasedInOneBatch_IsInsertedReleased) {
  const auto d = Decide(Stock(10, 10, 5), {Reserve("o1", "b1", 2), Release("o1")});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok"}));
  ASSERT_EQ(d.inserts.size(), 1u);
  EXPECT_EQ(d.inserts[0].state, ReservationState::kReleased);
  EXPECT_TRUE(d.state_changes.empty());
  EXPECT_FALSE(d.StockChanged());
  EXPECT_TRUE(d.events.empty());
}

// The integration test's mixed batch, decided alone: eight requests, eight right answers.
TEST(DecideBatchTest, MixedBatch_EachRequestGetsItsOwnAnswer_InArrivalOrder) {
  const auto earlier = Held("a1", "a", 1);
  const std::vector<StockRequest> batch = {
      Reserve("b1", "b", 2),  // new: 1 left, b holds 2
      Reserve("a1", "a", 1),  // replay: the same reservation, nothing moves
      Reserve("b2", "b", 1),  // b's 2 from this very batch count
      Reserve("a2", "a", 2),  // a holds 1 already
      Reserve("c1", "c", 2),  // only 1 left
      Reserve("c2", "c", 1),  // takes the last one
      Reserve("d1", "d", 1),  // nothing left
      Reserve("d2", "d", 0),  // not a quantity
  };
  const auto d = Decide(Stock(4, 3, 2, 1), batch, {earlier}, {{"a", 1}});
  EXPECT_EQ(Codes(d),
            (std::vector<std::string>{"ok", "ok", "limit_exceeded", "limit_exceeded", "sold_out",
                                      "ok", "sold_out", "validation_failed"}));
  EXPECT_FALSE(d.outcomes[1].changed);
  ASSERT_EQ(d.inserts.size(), 2u);
  EXPECT_EQ(d.inserts[0].order_id, "b1");  // in order id order
  EXPECT_EQ(d.inserts[1].order_id, "c2");
  EXPECT_EQ(d.d_available, -3);
  EXPECT_EQ(d.d_reserved, 3);
  EXPECT_EQ(d.events, std::vector<StockEvent>{StockEvent::kSoldOut});
}

TEST(DecideBatchTest, MixedConfirmsAndReleases_OfTheSameOrders_AreDecidedInOrder) {
  const auto d = Decide(Stock(10, 5, 10, 5),
                        {Confirm("k"), Confirm("k"), Release("l"), Release("l"), Release("k"),
                         Confirm("l"), Confirm("nobody")},
                        {Held("l", "b2", 3), Held("k", "b1", 2)});
  EXPECT_EQ(Codes(d), (std::vector<std::string>{"ok", "ok", "ok", "ok", "reservation_confirmed",
                                                "reservation_not_held", "not_found"}));
  EXPECT_EQ(d.state_changes,
            (std::vector<std::pair<std::string, ReservationState>>{
                {"k", ReservationState::kConfirmed}, {"l", ReservationState::kReleased}}));
  EXPECT_EQ(d.d_available, 3);
  EXPECT_EQ(d.d_reserved, -5);
  EXPECT_EQ(d.d_sold, 2);
}

TEST(FinalStateTest, ConfirmOrReleaseOfAHeldReservation_IsLeftToTheBatch) {
  EXPECT_FALSE(DecideFromFinalState(K::kConfirm, Held("o1", "b1", 1)));
  EXPECT_FALSE(DecideFromFinalState(K::kRelease, Held("o1", "b1", 1)));
}

TEST(FinalStateTest, Confirm_OfAFinalReservation_IsAReplayOrReservationNotHeld) {
  const auto confirmed =
      DecideFromFinalState(K::kConfirm, In(ReservationState::kConfirmed, Held("o1", "b1", 1)));
  ASSERT_TRUE(confirmed);
  EXPECT_EQ(Code(*confirmed), "ok");
  EXPECT_EQ(confirmed->reservation->state, ReservationState::kConfirmed);
  EXPECT_FALSE(confirmed->changed);
  for (const auto state : {ReservationState::kReleased, ReservationState::kExpired}) {
    const auto refused = DecideFromFinalState(K::kConfirm, In(state, Held("o1", "b1", 1)));
    ASSERT_TRUE(refused);
    EXPECT_EQ(Code(*refused), "reservation_not_held");
  }
}

TEST(FinalStateTest, Release_OfAFinalReservation_IsAReplayOrReservationConfirmed) {
  for (const auto state : {ReservationState::kReleased, ReservationState::kExpired}) {
    const auto replay = DecideFromFinalState(K::kRelease, In(state, Held("o1", "b1", 1)));
    ASSERT_TRUE(replay);
    EXPECT_EQ(Code(*replay), "ok");
    EXPECT_EQ(replay->reservation->state, state);
  }
  const auto refused =
      DecideFromFinalState(K::kRelease, In(ReservationState::kConfirmed, Held("o1", "b1", 1)));
  ASSERT_TRUE(refused);
  EXPECT_EQ(Code(*refused), "reservation_confirmed");
}

TEST(BatchLoadTest, OrderIdsOf_AreSortedOnceEach) {
  EXPECT_EQ(OrderIdsOf({Confirm("c"), Reserve("a", "x", 1), Release("c"), Expire("b")}),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(BatchLoadTest, BuyersToCount_AreThoseOfNewReservationsOnly) {
  EXPECT_EQ(BuyersToCount({Reserve("o1", "b2", 1), Reserve("replay", "b9", 1), Confirm("o3"),
                           Reserve("o4", "b1", 1), Reserve("o5", "b2", 1)},
                          {Held("replay", "b9", 1)}),
            (std::vector<std::string>{"b1", "b2"}));
}

TEST(LowStockTest, DefaultThreshold_IsTenPercentAtLeastOne_WithoutOverflow) {
  EXPECT_EQ(DefaultLowStockThreshold(100), 10);
  EXPECT_EQ(DefaultLowStockThreshold(5), 1);
  EXPECT_EQ(DefaultLowStockThreshold(INT_MAX, 99), static_cast<int>(INT_MAX * 99LL / 100));
}

}  // namespace
}  // namespace livedrop::inventory
