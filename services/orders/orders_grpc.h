#pragma once

#include "livedrop/orders/v1/orders.grpc.pb.h"

namespace livedrop::orders {

class OrdersApp;

// gRPC handlers of livedrop.orders.v1.OrdersService (called by the gateway, which passes the
// authenticated buyer's id): proto ↔ domain around a call on the app, nothing else.
// PlaceOrder is a callback method: it holds no thread while the order is driven (the app
// answers from its executor); the others run on the sync handler pool.
class OrdersGrpc final
    : public v1::OrdersService::WithCallbackMethod_PlaceOrder<v1::OrdersService::Service> {
 public:
  explicit OrdersGrpc(OrdersApp& app) : app_(app) {}

  ::grpc::ServerUnaryReactor* PlaceOrder(::grpc::CallbackServerContext* ctx,
                                         const v1::PlaceOrderRequest* req,
                                         v1::PlaceOrderResponse* resp) override;
  ::grpc::Status GetOrder(::grpc::ServerContext* ctx, const v1::GetOrderRequest* req,
                          v1::GetOrderResponse* resp) override;
  ::grpc::Status ListOrders(::grpc::ServerContext* ctx, const v1::ListOrdersRequest* req,
                            v1::ListOrdersResponse* resp) override;
  ::grpc::Status CancelOrder(::grpc::ServerContext* ctx, const v1::CancelOrderRequest* req,
                             v1::CancelOrderResponse* resp) override;

 private:
  OrdersApp& app_;
};

}  // namespace livedrop::orders
