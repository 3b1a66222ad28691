#pragma once

#include "livedrop/inventory/v1/inventory.grpc.pb.h"

namespace livedrop::inventory {

class InventoryApp;

// gRPC handlers of livedrop.inventory.v1.InventoryService (called by orders for buying and by
// the gateway for live stock in drop views): request → InventoryApp → response, nothing else.
class InventoryGrpc final : public v1::InventoryService::Service {
 public:
  explicit InventoryGrpc(InventoryApp& app) : app_(app) {}

  ::grpc::Status CreateStock(::grpc::ServerContext* ctx, const v1::CreateStockRequest* req,
                             v1::CreateStockResponse* resp) override;
  ::grpc::Status Reserve(::grpc::ServerContext* ctx, const v1::ReserveRequest* req,
                         v1::ReserveResponse* resp) override;
  ::grpc::Status Confirm(::grpc::ServerContext* ctx, const v1::ConfirmRequest* req,
                         v1::ConfirmResponse* resp) override;
  ::grpc::Status Release(::grpc::ServerContext* ctx, const v1::ReleaseRequest* req,
                         v1::ReleaseResponse* resp) override;
  ::grpc::Status GetStock(::grpc::ServerContext* ctx, const v1::GetStockRequest* req,
                          v1::GetStockResponse* resp) override;
  ::grpc::Status GetStocks(::grpc::ServerContext* ctx, const v1::GetStocksRequest* req,
                           v1::GetStocksResponse* resp) override;

 private:
  InventoryApp& app_;
};

}  // namespace livedrop::inventory
