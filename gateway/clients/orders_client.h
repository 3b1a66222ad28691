#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/orders/v1/orders.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-orders: one non-blocking method per RPC it uses.
class OrdersClient {
 public:
  // PlaceOrder runs the whole saga: `timeout` must cover a payment's deadline.
  OrdersClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void PlaceOrder(orders::v1::PlaceOrderRequest req, const rpc::CallOrigin& origin,
                  Done<orders::v1::PlaceOrderResponse> done);
  void GetOrder(orders::v1::GetOrderRequest req, const rpc::CallOrigin& origin,
                Done<orders::v1::GetOrderResponse> done);
  void ListOrders(orders::v1::ListOrdersRequest req, const rpc::CallOrigin& origin,
                  Done<orders::v1::ListOrdersResponse> done);
  void CancelOrder(orders::v1::CancelOrderRequest req, const rpc::CallOrigin& origin,
                   Done<orders::v1::CancelOrderResponse> done);

 private:
  std::unique_ptr<orders::v1::OrdersService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
