#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "livedrop/inventory/v1/inventory.grpc.pb.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "orders_logic.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::orders {

class DropCatalog;

struct SagaOptions {
  std::chrono::milliseconds lease{30000};  // how long a driver owns an order between steps
  std::chrono::milliseconds inventory_timeout{5000};
  std::chrono::milliseconds payment_timeout{10000};
  // Fault injection for the crash-recovery tests: the process exits right after persisting
  // this stage (kReserved: between reserve and charge; kCharged: between charge and confirm).
  std::optional<Stage> crash_after;
};

// Drives an order through reserve → charge → confirm (or release / refund) until it is done.
// Each step is an idempotent call keyed by the order id followed by a conditional stage
// change (`UPDATE … WHERE stage = <from>`), so the request that placed the order, the
// recovery loop and a cancellation can all drive the same order without doing anything twice:
// whoever loses a stage change re-reads the order and carries on from where it is.
class OrderSaga {
 public:
  OrderSaga(pg::Pool& pool, DropCatalog& catalog,
            std::shared_ptr<::grpc::Channel> inventory_channel,
            std::shared_ptr<::grpc::Channel> payment_channel, SagaOptions options);

  // Returns the order once done. Throws (unavailable, deadline_exceeded...) when a step cannot
  // be made now; the order stays where it is and the recovery loop resumes it.
  OrderRow Drive(OrderRow order);

  // Moves an unpaid order (placed or reserved) to releasing with reason "cancelled" and
  // returns it; nothing if it is past that (or already cancelling).
  std::optional<OrderRow> RequestCancel(const std::string& order_id);

 private:
  // One step from order.stage; returns the order after it (re-read if someone else moved it).
  OrderRow Step(const OrderRow& order);
  OrderRow Move(const OrderRow& order, Stage to, OrderStatus status = OrderStatus::kPending,
                const std::string& failure_code = "");
  OrderRow Reload(const std::string& id);

  OrderRow Reserve(const OrderRow& order);
  OrderRow Charge(const OrderRow& order);
  OrderRow Confirm(const OrderRow& order);
  OrderRow Refund(const OrderRow& order);
  OrderRow Release(const OrderRow& order);

  pg::Pool& pool_;
  DropCatalog& catalog_;
  std::unique_ptr<inventory::v1::InventoryService::Stub> inventory_;
  std::unique_ptr<payment::v1::PaymentService::Stub> payment_;
  SagaOptions options_;
};

}  // namespace livedrop::orders
