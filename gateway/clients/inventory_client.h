#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-inventory: live stock for the drop views.
class InventoryClient {
 public:
  InventoryClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void GetStock(inventory::v1::GetStockRequest req, const rpc::CallOrigin& origin,
                Done<inventory::v1::GetStockResponse> done);
  void GetStocks(inventory::v1::GetStocksRequest req, const rpc::CallOrigin& origin,
                 Done<inventory::v1::GetStocksResponse> done);

 private:
  std::unique_ptr<inventory::v1::InventoryService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
