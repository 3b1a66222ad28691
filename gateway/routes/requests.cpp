#include "routes/requests.h"

#include "livedrop/core/error.h"
#include "livedrop/grpc/proto_values.h"
#include "routes/views.h"

namespace livedrop::gateway::requests {

auth::v1::RegisterRequest Register(const JsonBody& body) {
  auth::v1::RegisterRequest req;
  req.set_email(body.RequiredString("email", 254));
  req.set_password(body.RequiredString("password", 128));
  req.set_display_name(body.RequiredString("display_name", 256));
  const auto role = body.RequiredString("role", 16);
  if (role == views::RoleName(auth::v1::ROLE_BUYER)) {
    req.set_role(auth::v1::ROLE_BUYER);
  } else if (role == views::RoleName(auth::v1::ROLE_CREATOR)) {
    req.set_role(auth::v1::ROLE_CREATOR);
  } else {
    throw ValidationError("role", "role must be 'buyer' or 'creator'");
  }
  return req;
}

auth::v1::LoginRequest Login(const JsonBody& body) {
  auth::v1::LoginRequest req;
  req.set_email(body.RequiredString("email", 254));
  req.set_password(body.RequiredString("password", 128));
  return req;
}

std::string RefreshToken(const JsonBody& body) { return body.RequiredString("refresh_token", 256); }

drops::v1::CreateProductRequest NewProduct(const JsonBody& body, const std::string& creator_id) {
  drops::v1::CreateProductRequest req;
  req.set_creator_id(creator_id);
  req.set_title(body.RequiredString("title", 1024));
  req.set_description(body.OptionalString("description", 20000, TextKind::kMultiline).value_or(""));
  req.mutable_price()->set_unit_amount(body.RequiredInt("unit_amount"));
  req.mutable_price()->set_currency(body.RequiredString("currency", 8));
  // Free-form image URLs are no longer taken (a javascript: URL was): images are uploaded.
  if (!body.OptionalStringArray("image_urls", 10, 2048).empty()) {
    throw ValidationError("image_urls",
                          "image_urls is no longer accepted: upload images with "
                          "POST /v1/products/{id}/images");
  }
  return req;
}

drops::v1::CreateDropRequest NewDrop(const JsonBody& body, const std::string& creator_id) {
  drops::v1::CreateDropRequest req;
  req.set_creator_id(creator_id);
  req.set_product_id(body.RequiredString("product_id", 64));
  rpc::SetTimestamp(body.RequiredTime("starts_at"), req.mutable_starts_at());
  rpc::SetTimestamp(body.RequiredTime("ends_at"), req.mutable_ends_at());
  req.set_quantity(body.RequiredInt32("quantity"));
  req.set_per_buyer_limit(body.RequiredInt32("per_buyer_limit"));
  return req;
}

drops::v1::CreateImageUploadRequest NewImageUpload(const JsonBody& body,
                                                   const std::string& product_id,
                                                   const std::string& creator_id) {
  drops::v1::CreateImageUploadRequest req;
  req.set_product_id(product_id);
  req.set_creator_id(creator_id);
  req.set_content_type(body.RequiredString("content_type", 100));
  req.set_content_length(body.RequiredInt("content_length"));
  return req;
}

orders::v1::PlaceOrderRequest NewOrder(const JsonBody& body, const std::string& buyer_id,
                                       const std::string& idempotency_key) {
  orders::v1::PlaceOrderRequest req;
  req.set_buyer_id(buyer_id);
  req.set_idempotency_key(idempotency_key);
  req.set_drop_id(body.RequiredString("drop_id", 64));
  req.set_quantity(body.RequiredInt32("quantity"));
  req.set_payment_token(body.RequiredString("payment_token", 255));
  return req;
}

drops::v1::DropStatus DropStatusFilter(const std::string& status) {
  if (status.empty()) return drops::v1::DROP_STATUS_UNSPECIFIED;
  const auto parsed = rpc::ParseEnumCode<drops::v1::DropStatus>(status);
  if (parsed == drops::v1::DROP_STATUS_UNSPECIFIED) {
    throw ValidationError("status", "status must be scheduled, live, sold_out, ended or cancelled");
  }
  return parsed;
}

void RequireCreator(const auth::Claims& caller) {
  if (caller.role != views::RoleName(auth::v1::ROLE_CREATOR)) {
    throw Error(ErrorKind::kPermissionDenied, "creators_only", "only creators can do this");
  }
}

void RequireBuyer(const auth::Claims& caller) {
  if (caller.role != views::RoleName(auth::v1::ROLE_BUYER)) {
    throw Error(ErrorKind::kPermissionDenied, "buyers_only", "only buyers can place orders");
  }
}

}  // namespace livedrop::gateway::requests
