#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/drops/v1/drops.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-drops: one non-blocking method per RPC it uses.
class DropsClient {
 public:
  DropsClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void CreateProduct(drops::v1::CreateProductRequest req, const rpc::CallOrigin& origin,
                     Done<drops::v1::CreateProductResponse> done);
  void GetProduct(drops::v1::GetProductRequest req, const rpc::CallOrigin& origin,
                  Done<drops::v1::GetProductResponse> done);
  void GetProducts(drops::v1::GetProductsRequest req, const rpc::CallOrigin& origin,
                   Done<drops::v1::GetProductsResponse> done);
  void CreateDrop(drops::v1::CreateDropRequest req, const rpc::CallOrigin& origin,
                  Done<drops::v1::CreateDropResponse> done);
  void GetDrop(drops::v1::GetDropRequest req, const rpc::CallOrigin& origin,
               Done<drops::v1::GetDropResponse> done);
  void GetDrops(drops::v1::GetDropsRequest req, const rpc::CallOrigin& origin,
                Done<drops::v1::GetDropsResponse> done);
  void ListDrops(drops::v1::ListDropsRequest req, const rpc::CallOrigin& origin,
                 Done<drops::v1::ListDropsResponse> done);
  void CancelDrop(drops::v1::CancelDropRequest req, const rpc::CallOrigin& origin,
                  Done<drops::v1::CancelDropResponse> done);

 private:
  std::unique_ptr<drops::v1::DropsService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
