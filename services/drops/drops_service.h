#pragma once

#include "drop_views.h"
#include "drops_scheduler.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

// gRPC handlers of livedrop.drops.v1.DropsService. Callers (the gateway) pass the acting
// creator's id; the role check (only creators create) happens where the token is read.
class DropsServiceImpl final : public v1::DropsService::Service {
 public:
  DropsServiceImpl(pg::Pool& pool, DropsScheduler& scheduler, DropViews& views);

  ::grpc::Status CreateProduct(::grpc::ServerContext* ctx, const v1::CreateProductRequest* req,
                               v1::CreateProductResponse* resp) override;
  ::grpc::Status GetProduct(::grpc::ServerContext* ctx, const v1::GetProductRequest* req,
                            v1::GetProductResponse* resp) override;
  ::grpc::Status CreateDrop(::grpc::ServerContext* ctx, const v1::CreateDropRequest* req,
                            v1::CreateDropResponse* resp) override;
  ::grpc::Status GetDrop(::grpc::ServerContext* ctx, const v1::GetDropRequest* req,
                         v1::GetDropResponse* resp) override;
  ::grpc::Status ListDrops(::grpc::ServerContext* ctx, const v1::ListDropsRequest* req,
                           v1::ListDropsResponse* resp) override;
  ::grpc::Status CancelDrop(::grpc::ServerContext* ctx, const v1::CancelDropRequest* req,
                            v1::CancelDropResponse* resp) override;

 private:
  pg::Pool& pool_;
  DropsScheduler& scheduler_;
  DropViews& views_;
};

}  // namespace livedrop::drops
