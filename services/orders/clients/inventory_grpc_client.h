#pragma once

#include <chrono>
#include <memory>

#include "clients/inventory_port.h"

namespace grpc {
class Channel;
}

namespace livedrop::orders {

// InventoryPort over livedrop.inventory.v1.InventoryService: the one place that reads
// inventory's ErrorInfo reasons and turns them into ReserveRefusal / HoldGone.
class InventoryGrpcClient final : public InventoryPort {
 public:
  InventoryGrpcClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);
  ~InventoryGrpcClient() override;

  void Reserve(const ReserveRequest& request, Then<ReserveResult> then) override;
  void Confirm(const std::string& order_id, const std::string& drop_id,
               Then<std::optional<HoldGone>> then) override;
  void Release(const std::string& order_id, const std::string& drop_id,
               Then<std::optional<HoldGone>> then) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::orders
