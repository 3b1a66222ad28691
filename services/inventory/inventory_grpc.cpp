#include "inventory_grpc.h"

#include "inventory_app.h"
#include "inventory_proto.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/call.h"

namespace livedrop::inventory {
namespace {

constexpr int kMaxStocksPerCall = 100;

}  // namespace

::grpc::Status InventoryGrpc::CreateStock(::grpc::ServerContext* ctx,
                                          const v1::CreateStockRequest* req,
                                          v1::CreateStockResponse* resp) {
  return rpc::Serve(ctx, "CreateStock", [&] {
    RequireUuid("drop_id", req->drop_id());
    ToProto(app_.CreateStock(req->drop_id(), req->total(), req->per_buyer_limit()),
            *resp->mutable_stock());
  });
}

::grpc::Status InventoryGrpc::Reserve(::grpc::ServerContext* ctx, const v1::ReserveRequest* req,
                                      v1::ReserveResponse* resp) {
  return rpc::Serve(ctx, "Reserve", [&] {
    RequireUuid("drop_id", req->drop_id());
    RequireUuid("order_id", req->order_id());
    RequireUuid("buyer_id", req->buyer_id());
    ToProto(app_.Reserve(req->drop_id(), req->order_id(), req->buyer_id(), req->quantity()),
            *resp->mutable_reservation());
  });
}

::grpc::Status InventoryGrpc::Confirm(::grpc::ServerContext* ctx, const v1::ConfirmRequest* req,
                                      v1::ConfirmResponse* resp) {
  return rpc::Serve(ctx, "Confirm", [&] {
    RequireUuid("order_id", req->order_id());
    ToProto(app_.Confirm(req->order_id(), req->drop_id()), *resp->mutable_reservation());
  });
}

::grpc::Status InventoryGrpc::Release(::grpc::ServerContext* ctx, const v1::ReleaseRequest* req,
                                      v1::ReleaseResponse* resp) {
  return rpc::Serve(ctx, "Release", [&] {
    RequireUuid("order_id", req->order_id());
    ToProto(app_.Release(req->order_id(), req->drop_id()), *resp->mutable_reservation());
  });
}

::grpc::Status InventoryGrpc::GetStock(::grpc::ServerContext* ctx, const v1::GetStockRequest* req,
                                       v1::GetStockResponse* resp) {
  return rpc::Serve(ctx, "GetStock", [&] {
    if (!IsUuid(req->drop_id())) throw NotFoundError("stock");
    ToProto(app_.GetStock(req->drop_id()), *resp->mutable_stock());
  });
}

::grpc::Status InventoryGrpc::GetStocks(::grpc::ServerContext* ctx, const v1::GetStocksRequest* req,
                                        v1::GetStocksResponse* resp) {
  return rpc::Serve(ctx, "GetStocks", [&] {
    if (req->drop_ids_size() > kMaxStocksPerCall) {
      throw ValidationError("drop_ids",
                            "at most " + std::to_string(kMaxStocksPerCall) + " drop ids per call");
    }
    // An id that is not a UUID names no drop: it is simply not found, like in GetStock.
    std::vector<std::string> ids;
    for (const auto& id : req->drop_ids()) {
      if (IsUuid(id)) ids.push_back(id);
    }
    for (const auto& stock : app_.GetStocks(ids)) ToProto(stock, *resp->add_stocks());
  });
}

}  // namespace livedrop::inventory
