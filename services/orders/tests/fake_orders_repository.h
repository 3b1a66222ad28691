#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "orders_store.h"

namespace livedrop::orders {

// The orders table for saga tests, with PgOrdersRepository's semantics: a conditional stage
// change (only from the stage the caller saw), the failure code kept once set, the outcome
// event written with the last move, leases renewed by every write. Records each order's
// stages and the events. Not thread-safe.
class FakeOrdersRepository final : public OrdersRepository {
 public:
  struct Event {
    std::string type;  // order_confirmed | order_failed | order_cancelled | order_refunded
    std::string order_id;
    std::string reason;  // the failure code at the time
  };

  // Stores `order` (a new id if it has none) as it is; returns it.
  OrderRow Insert(OrderRow order);
  // The order as stored now.
  OrderRow Get(const std::string& id) const;
  // The lease of the order lapses: the next ClaimLapsed takes it (unless it is done).
  void Lapse(const std::string& id);
  // Runs `race` on the stored row just before the next Advance of any order is applied, as
  // another driver moving the order first would.
  void BeforeNextAdvance(std::function<void(OrderRow&)> race) { race_ = std::move(race); }

  // Every stage the order was stored at, in order, starting with the stage it was inserted at.
  std::vector<Stage> Stages(const std::string& id) const;
  const std::vector<Event>& events() const { return events_; }
  int lost_advances() const { return lost_advances_; }

  std::optional<OrderRow> Advance(const OrderRow& order, Stage to, OrderStatus status,
                                  const std::string& failure_code) override;
  std::optional<OrderRow> Find(const std::string& id) override;
  std::optional<OrderRow> CancelUnpaid(const std::string& id) override;
  std::vector<OrderRow> ClaimLapsed(int limit) override;
  std::vector<OrderRow> WithdrawForCancelledDrop(const std::string& drop_id, int limit) override;
  int CountLeftToWithdraw(const std::string& drop_id) override;

 private:
  struct Stored {
    OrderRow row;
    bool lapsed = false;
    std::vector<Stage> stages;
  };
  Stored& At(const std::string& id);
  void Store(Stored& s, Stage stage);

  std::map<std::string, Stored> orders_;
  std::vector<Event> events_;
  std::function<void(OrderRow&)> race_;
  int lost_advances_ = 0;
};

}  // namespace livedrop::orders
