#include "drops_service.h"

#include <pqxx/pqxx>

#include "drops_events.h"
#include "drops_logic.h"
#include "drops_store.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {
namespace {

std::optional<DropStatus> StatusFilter(v1::DropStatus s) {
  switch (s) {
    case v1::DROP_STATUS_SCHEDULED:
      return DropStatus::kScheduled;
    case v1::DROP_STATUS_LIVE:
      return DropStatus::kLive;
    case v1::DROP_STATUS_SOLD_OUT:
      return DropStatus::kSoldOut;
    case v1::DROP_STATUS_ENDED:
      return DropStatus::kEnded;
    case v1::DROP_STATUS_CANCELLED:
      return DropStatus::kCancelled;
    default:
      return std::nullopt;
  }
}

void RequireCreator(const std::string& id) {
  if (!IsUuid(id)) throw UnauthenticatedError("a creator id is required");
}

}  // namespace

DropsServiceImpl::DropsServiceImpl(pg::Pool& pool, DropsScheduler& scheduler, DropViews& views)
    : pool_(pool), scheduler_(scheduler), views_(views) {}

::grpc::Status DropsServiceImpl::CreateProduct(::grpc::ServerContext* ctx,
                                               const v1::CreateProductRequest* req,
                                               v1::CreateProductResponse* resp) {
  return rpc::Serve(ctx, "CreateProduct", [&] {
    RequireCreator(req->creator_id());
    NewProduct product{req->title(),
                       req->description(),
                       req->price().unit_amount(),
                       req->price().currency(),
                       {req->image_urls().begin(), req->image_urls().end()}};
    ValidateProduct(product);
    const auto row = pool_.Transact([&](pqxx::work& tx) {
      return DropsStore::InsertProduct(tx, NewUuid(), req->creator_id(), product);
    });
    ToProto(row, *resp->mutable_product());
  });
}

::grpc::Status DropsServiceImpl::GetProduct(::grpc::ServerContext* ctx,
                                            const v1::GetProductRequest* req,
                                            v1::GetProductResponse* resp) {
  return rpc::Serve(ctx, "GetProduct", [&] {
    if (!IsUuid(req->id())) throw NotFoundError("product");
    auto product = views_.Product(req->id());
    if (!product) throw NotFoundError("product");
    *resp->mutable_product() = std::move(*product);
  });
}

::grpc::Status DropsServiceImpl::CreateDrop(::grpc::ServerContext* ctx,
                                            const v1::CreateDropRequest* req,
                                            v1::CreateDropResponse* resp) {
  return rpc::Serve(ctx, "CreateDrop", [&] {
    RequireCreator(req->creator_id());
    const NewDrop drop{rpc::FromTimestamp(req->starts_at()), rpc::FromTimestamp(req->ends_at()),
                       req->quantity(), req->per_buyer_limit()};
    ValidateDrop(drop, Now());
    if (!IsUuid(req->product_id())) throw NotFoundError("product");
    const auto [row, product] = pool_.Transact([&](pqxx::work& tx) {
      const auto product = DropsStore::FindProduct(tx, req->product_id());
      if (!product) throw NotFoundError("product");
      if (product->creator_id != req->creator_id()) {
        throw Error(ErrorKind::kPermissionDenied, "not_your_product",
                    "a drop can only be made of your own product");
      }
      const auto row =
          DropsStore::InsertDrop(tx, NewUuid(), req->creator_id(), req->product_id(), drop);
      EmitDropEvent(tx, "drop_scheduled", row);
      return std::make_pair(row, *product);
    });
    scheduler_.Wake();
    views_.Refresh(row);
    ToProto(row, &product, *resp->mutable_drop());
  });
}

::grpc::Status DropsServiceImpl::GetDrop(::grpc::ServerContext* ctx, const v1::GetDropRequest* req,
                                         v1::GetDropResponse* resp) {
  return rpc::Serve(ctx, "GetDrop", [&] {
    if (!IsUuid(req->id())) throw NotFoundError("drop");
    auto drop = views_.Drop(req->id());
    if (!drop) throw NotFoundError("drop");
    if (auto product = views_.Product(drop->product_id())) {
      *drop->mutable_product() = std::move(*product);
    }
    *resp->mutable_drop() = std::move(*drop);
  });
}

::grpc::Status DropsServiceImpl::ListDrops(::grpc::ServerContext* ctx,
                                           const v1::ListDropsRequest* req,
                                           v1::ListDropsResponse* resp) {
  return rpc::Serve(ctx, "ListDrops", [&] {
    const int limit = PageSize(req->limit());
    const auto cursor = DecodeCursor(req->cursor());
    DropFilter filter{StatusFilter(req->status()), req->creator_id()};
    if (!filter.creator_id.empty() && !IsUuid(filter.creator_id)) {
      throw ValidationError("creator_id", "creator_id must be a UUID");
    }
    auto rows = pool_.Transact(
        [&](pqxx::work& tx) { return DropsStore::ListDrops(tx, filter, cursor, limit + 1); });
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    for (const auto& row : rows) ToProto(row, nullptr, *resp->add_items());
    if (more) resp->set_next_cursor(EncodeCursor(rows.back().seq));
  });
}

::grpc::Status DropsServiceImpl::CancelDrop(::grpc::ServerContext* ctx,
                                            const v1::CancelDropRequest* req,
                                            v1::CancelDropResponse* resp) {
  return rpc::Serve(ctx, "CancelDrop", [&] {
    RequireCreator(req->creator_id());
    if (!IsUuid(req->id())) throw NotFoundError("drop");
    const auto row = pool_.Transact([&](pqxx::work& tx) {
      const auto drop = DropsStore::FindDrop(tx, req->id(), /*for_update=*/true);
      if (!drop) throw NotFoundError("drop");
      if (drop->creator_id != req->creator_id()) {
        throw Error(ErrorKind::kPermissionDenied, "not_your_drop",
                    "only the drop's creator can cancel it");
      }
      if (!CanCancel(drop->status)) {
        throw Error(
            ErrorKind::kFailedPrecondition, "drop_not_cancellable",
            std::string("a drop that is ") + StatusName(drop->status) + " cannot be cancelled");
      }
      const auto cancelled = DropsStore::SetStatus(tx, req->id(), DropStatus::kCancelled);
      EmitDropEvent(tx, "drop_cancelled", cancelled);
      return cancelled;
    });
    views_.Refresh(row);
    ToProto(row, nullptr, *resp->mutable_drop());
  });
}

}  // namespace livedrop::drops
