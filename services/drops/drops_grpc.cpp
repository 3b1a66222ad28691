#include "drops_grpc.h"

#include "drops_app.h"
#include "drops_proto.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::drops {

::grpc::Status DropsGrpc::CreateProduct(::grpc::ServerContext* ctx,
                                        const v1::CreateProductRequest* req,
                                        v1::CreateProductResponse* resp) {
  return rpc::Serve(ctx, "CreateProduct", [&] {
    rpc::RequireActingUser(req->creator_id());
    const NewProduct product{req->title(),
                             req->description(),
                             req->price().unit_amount(),
                             req->price().currency(),
                             {req->image_urls().begin(), req->image_urls().end()}};
    ToProto(app_.CreateProduct(req->creator_id(), product), *resp->mutable_product());
  });
}

::grpc::Status DropsGrpc::GetProduct(::grpc::ServerContext* ctx, const v1::GetProductRequest* req,
                                     v1::GetProductResponse* resp) {
  return rpc::Serve(ctx, "GetProduct",
                    [&] { *resp->mutable_product() = app_.GetProduct(req->id()); });
}

::grpc::Status DropsGrpc::GetProducts(::grpc::ServerContext* ctx, const v1::GetProductsRequest* req,
                                      v1::GetProductsResponse* resp) {
  return rpc::Serve(ctx, "GetProducts", [&] {
    for (auto& product : app_.GetProducts({req->ids().begin(), req->ids().end()})) {
      *resp->add_products() = std::move(product);
    }
  });
}

::grpc::Status DropsGrpc::CreateDrop(::grpc::ServerContext* ctx, const v1::CreateDropRequest* req,
                                     v1::CreateDropResponse* resp) {
  return rpc::Serve(ctx, "CreateDrop", [&] {
    rpc::RequireActingUser(req->creator_id());
    const NewDrop drop{rpc::FromTimestamp(req->starts_at()), rpc::FromTimestamp(req->ends_at()),
                       req->quantity(), req->per_buyer_limit()};
    const auto created = app_.CreateDrop(req->creator_id(), req->product_id(), drop);
    ToProto(created.drop, &created.product, *resp->mutable_drop());
  });
}

::grpc::Status DropsGrpc::GetDrop(::grpc::ServerContext* ctx, const v1::GetDropRequest* req,
                                  v1::GetDropResponse* resp) {
  return rpc::Serve(ctx, "GetDrop", [&] { *resp->mutable_drop() = app_.GetDrop(req->id()); });
}

::grpc::Status DropsGrpc::GetDrops(::grpc::ServerContext* ctx, const v1::GetDropsRequest* req,
                                   v1::GetDropsResponse* resp) {
  return rpc::Serve(ctx, "GetDrops", [&] {
    for (auto& drop : app_.GetDrops({req->ids().begin(), req->ids().end()})) {
      *resp->add_drops() = std::move(drop);
    }
  });
}

::grpc::Status DropsGrpc::ListDrops(::grpc::ServerContext* ctx, const v1::ListDropsRequest* req,
                                    v1::ListDropsResponse* resp) {
  return rpc::Serve(ctx, "ListDrops", [&] {
    const auto page = app_.ListDrops(DropFilter{FromProto(req->status()), req->creator_id()},
                                     req->limit(), req->cursor());
    for (const auto& row : page.items) {
      ToProto(row, nullptr, *resp->add_items());
      resp->add_cursors(EncodeCursor(row.seq));
    }
    resp->set_next_cursor(page.next_cursor);
  });
}

::grpc::Status DropsGrpc::GetTermsOfSale(::grpc::ServerContext* ctx,
                                         const v1::GetTermsOfSaleRequest* req,
                                         v1::GetTermsOfSaleResponse* resp) {
  return rpc::Serve(ctx, "GetTermsOfSale",
                    [&] { *resp->mutable_terms() = app_.GetTermsOfSale(req->drop_id()); });
}

::grpc::Status DropsGrpc::CancelDrop(::grpc::ServerContext* ctx, const v1::CancelDropRequest* req,
                                     v1::CancelDropResponse* resp) {
  return rpc::Serve(ctx, "CancelDrop", [&] {
    rpc::RequireActingUser(req->creator_id());
    ToProto(app_.CancelDrop(req->creator_id(), req->id()), nullptr, *resp->mutable_drop());
  });
}

}  // namespace livedrop::drops
