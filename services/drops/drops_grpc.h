#pragma once

#include "livedrop/drops/v1/drops.grpc.pb.h"

namespace livedrop::drops {

class DropsApp;

// gRPC handlers of livedrop.drops.v1.DropsService (called by the gateway, which passes the
// acting creator's id; the role check — only creators create — happens where the token is
// read): proto ↔ domain around a call on the app, nothing else.
class DropsGrpc final : public v1::DropsService::Service {
 public:
  explicit DropsGrpc(DropsApp& app) : app_(app) {}

  ::grpc::Status CreateProduct(::grpc::ServerContext* ctx, const v1::CreateProductRequest* req,
                               v1::CreateProductResponse* resp) override;
  ::grpc::Status GetProduct(::grpc::ServerContext* ctx, const v1::GetProductRequest* req,
                            v1::GetProductResponse* resp) override;
  ::grpc::Status GetProducts(::grpc::ServerContext* ctx, const v1::GetProductsRequest* req,
                             v1::GetProductsResponse* resp) override;
  ::grpc::Status CreateDrop(::grpc::ServerContext* ctx, const v1::CreateDropRequest* req,
                            v1::CreateDropResponse* resp) override;
  ::grpc::Status GetDrop(::grpc::ServerContext* ctx, const v1::GetDropRequest* req,
                         v1::GetDropResponse* resp) override;
  ::grpc::Status GetDrops(::grpc::ServerContext* ctx, const v1::GetDropsRequest* req,
                          v1::GetDropsResponse* resp) override;
  ::grpc::Status ListDrops(::grpc::ServerContext* ctx, const v1::ListDropsRequest* req,
                           v1::ListDropsResponse* resp) override;
  ::grpc::Status CancelDrop(::grpc::ServerContext* ctx, const v1::CancelDropRequest* req,
                            v1::CancelDropResponse* resp) override;
  ::grpc::Status GetTermsOfSale(::grpc::ServerContext* ctx, const v1::GetTermsOfSaleRequest* req,
                                v1::GetTermsOfSaleResponse* resp) override;

 private:
  DropsApp& app_;
};

}  // namespace livedrop::drops
