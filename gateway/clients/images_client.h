#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-drops' ProductImagesService: one non-blocking method per RPC.
class ImagesClient {
 public:
  ImagesClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void CreateImageUpload(drops::v1::CreateImageUploadRequest req, const rpc::CallOrigin& origin,
                         Done<drops::v1::CreateImageUploadResponse> done);
  void CompleteImageUpload(drops::v1::CompleteImageUploadRequest req,
                           const rpc::CallOrigin& origin,
                           Done<drops::v1::CompleteImageUploadResponse> done);
  void GetProductImage(drops::v1::GetProductImageRequest req, const rpc::CallOrigin& origin,
                       Done<drops::v1::GetProductImageResponse> done);
  void DeleteProductImage(drops::v1::DeleteProductImageRequest req, const rpc::CallOrigin& origin,
                          Done<drops::v1::DeleteProductImageResponse> done);

 private:
  std::unique_ptr<drops::v1::ProductImagesService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
