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
  for (const auto& image : row.images) ToProto(image, *out.add_images());
}

void ToProto(const ImageView& view, v1::ProductImage& out) {
  out.set_id(view.id);
  out.set_status(v1::IMAGE_STATUS_READY);
  out.set_width(view.width);
  out.set_height(view.height);
  out.set_url(view.url);
  for (const auto& variant : view.variants) {
    auto& v = *out.add_variants();
    v.set_width(variant.width);
    v.set_height(variant.height);
    v.set_url(variant.url);
  }
}

void ToProto(const ImageRow& row, v1::ProductImage& out) {
  if (row.status == ImageStatus::kReady) return ToProto(row.view, out);
  out.set_id(row.id);
  switch (row.status) {
    case ImageStatus::kAwaitingUpload: out.set_status(v1::IMAGE_STATUS_AWAITING_UPLOAD); break;
    case ImageStatus::kProcessing: out.set_status(v1::IMAGE_STATUS_PROCESSING); break;
    default: out.set_status(v1::IMAGE_STATUS_FAILED); break;
  }
  out.set_failure(row.failure);
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

v1::TermsOfSale ToTermsOfSale(const DropRow& drop, const ProductRow& product) {
  v1::TermsOfSale out;
  out.set_drop_id(drop.id);
  out.set_status(ProtoStatus(drop.status));
  rpc::SetTimestamp(drop.fields.starts_at, out.mutable_starts_at());
  rpc::SetTimestamp(drop.fields.ends_at, out.mutable_ends_at());
  out.set_per_buyer_limit(drop.fields.per_buyer_limit);
  out.mutable_price()->set_unit_amount(product.fields.unit_amount);
  out.mutable_price()->set_currency(product.fields.currency);
  return out;
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
