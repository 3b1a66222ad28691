#include "orders_grpc.h"

#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "orders_app.h"
#include "orders_proto.h"

namespace livedrop::orders {

::grpc::ServerUnaryReactor* OrdersGrpc::PlaceOrder(::grpc::CallbackServerContext* ctx,
                                                   const v1::PlaceOrderRequest* req,
                                                   v1::PlaceOrderResponse* resp) {
  return rpc::ServeAsync(ctx, "PlaceOrder", [&](rpc::Finish finish) {
    rpc::RequireActingUser(req->buyer_id());
    app_.Place(PlaceOrderInput{req->buyer_id(), req->idempotency_key(), req->drop_id(),
                               req->payment_token(), req->quantity()},
               rpc::Respond<PlaceResult>(std::move(finish), [resp](const PlaceResult& result) {
                 ToProto(result.order, *resp->mutable_order());
                 resp->set_replayed(result.replayed);
               }));
  });
}

::grpc::Status OrdersGrpc::GetOrder(::grpc::ServerContext* ctx, const v1::GetOrderRequest* req,
                                    v1::GetOrderResponse* resp) {
  return rpc::Serve(ctx, "GetOrder", [&] {
    rpc::RequireActingUser(req->buyer_id());
    RequireUuid("buyer_id", req->buyer_id());
    ToProto(app_.Get(req->id(), req->buyer_id()), *resp->mutable_order());
  });
}

::grpc::Status OrdersGrpc::ListOrders(::grpc::ServerContext* ctx, const v1::ListOrdersRequest* req,
                                      v1::ListOrdersResponse* resp) {
  return rpc::Serve(ctx, "ListOrders", [&] {
    rpc::RequireActingUser(req->buyer_id());
    RequireUuid("buyer_id", req->buyer_id());
    const auto page = app_.List(req->buyer_id(), req->limit(), req->cursor());
    for (const auto& order : page.items) {
      ToProto(order, *resp->add_items());
      resp->add_cursors(EncodeCursor(order.seq));
    }
    resp->set_next_cursor(page.next_cursor);
  });
}

::grpc::Status OrdersGrpc::CancelOrder(::grpc::ServerContext* ctx,
                                       const v1::CancelOrderRequest* req,
                                       v1::CancelOrderResponse* resp) {
  return rpc::Serve(ctx, "CancelOrder", [&] {
    rpc::RequireActingUser(req->buyer_id());
    RequireUuid("buyer_id", req->buyer_id());
    ToProto(app_.Cancel(req->id(), req->buyer_id()), *resp->mutable_order());
  });
}

}  // namespace livedrop::orders
