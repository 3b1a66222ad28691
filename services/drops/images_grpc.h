#pragma once

#include "livedrop/drops/v1/drops.grpc.pb.h"

namespace livedrop::drops {

class ImagesApp;

// gRPC handlers of livedrop.drops.v1.ProductImagesService (called by the gateway with the
// acting creator's id): proto ↔ domain around a call on ImagesApp, nothing else.
class ImagesGrpc final : public v1::ProductImagesService::Service {
 public:
  explicit ImagesGrpc(ImagesApp& app) : app_(app) {}

  ::grpc::Status CreateImageUpload(::grpc::ServerContext* ctx,
                                   const v1::CreateImageUploadRequest* req,
                                   v1::CreateImageUploadResponse* resp) override;
  ::grpc::Status CompleteImageUpload(::grpc::ServerContext* ctx,
                                     const v1::CompleteImageUploadRequest* req,
                                     v1::CompleteImageUploadResponse* resp) override;
  ::grpc::Status GetProductImage(::grpc::ServerContext* ctx,
                                 const v1::GetProductImageRequest* req,
                                 v1::GetProductImageResponse* resp) override;
  ::grpc::Status DeleteProductImage(::grpc::ServerContext* ctx,
                                    const v1::DeleteProductImageRequest* req,
                                    v1::DeleteProductImageResponse* resp) override;

 private:
  ImagesApp& app_;
};

}  // namespace livedrop::drops
