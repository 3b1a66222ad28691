#include "drops_proto.h"

#include "livedrop/grpc/proto_values.h"

namespace livedrop::drops {
namespace {

v1::DropStatus ProtoStatus(DropStatus s) {
  switch (s) {
    case DropStatus::kScheduled:
      return v1::DROP_STATUS_SCHEDULED;
    case DropStatus::kLive:
      return v1::DROP_STATUS_LIVE;
    case DropStatus::kSoldOut:
      return v1::DROP_STATUS_SOLD_OUT;
    case DropStatus::kEnded:
      return v1::DROP_STATUS_ENDED;
    case DropStatus::kCancelled:
      return v1::DROP_STATUS_CANCELLED;
  }
  return v1::DROP_STATUS_UNSPECIFIED;
}

}  // namespace

void ToProto(const ProductRow& row, v1::Product& out) {
  out.set_id(row.id);
  out.set_creator_id(row.creator_id);
  out.set_title(row.fields.title);
  out.set_description(row.fields.description);
  out.mutable_price()->set_unit_amount(row.fields.unit_amount);
  out.mutable_price()->set_currency(row.fields.currency);
  for (const auto& url : row.fields.image_urls) out.add_image_urls(url);
  rpc::SetTimestamp(row.created_at, out.mutable_created_at());
}

void ToProto(const DropRow& row, const ProductRow* product, v1::Drop& out) {
  out.set_id(row.id);
  out.set_creator_id(row.creator_id);
  out.set_product_id(row.product_id);
  rpc::SetTimestamp(row.fields.starts_at, out.mutable_starts_at());
  rpc::SetTimestamp(row.fields.ends_at, out.mutable_ends_at());
  out.set_quantity(row.fields.quantity);
  out.set_per_buyer_limit(row.fields.per_buyer_limit);
  out.set_status(ProtoStatus(row.status));
  out.set_available(row.status == DropStatus::kSoldOut ? 0 : row.fields.quantity);
  if (product != nullptr) ToProto(*product, *out.mutable_product());
}

std::optional<DropStatus> FromProto(v1::DropStatus s) {
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

}  // namespace livedrop::drops
