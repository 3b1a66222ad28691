#pragma once

#include <string>

#include "livedrop/auth/jwt.h"
#include "livedrop/auth/v1/auth.pb.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "server/json_body.h"

// What the public API's writes send to the services, read from a body in the REST shape
// (snake_case members; the GraphQL resolvers hand their inputs over in that shape too), so both
// APIs apply one set of rules and limits.
namespace livedrop::gateway::requests {

auth::v1::RegisterRequest Register(const JsonBody& body);
auth::v1::LoginRequest Login(const JsonBody& body);
std::string RefreshToken(const JsonBody& body);  // member refresh_token
drops::v1::CreateProductRequest NewProduct(const JsonBody& body, const std::string& creator_id);
drops::v1::CreateDropRequest NewDrop(const JsonBody& body, const std::string& creator_id);
orders::v1::PlaceOrderRequest NewOrder(const JsonBody& body, const std::string& buyer_id,
                                       const std::string& idempotency_key);
// POST /v1/products/{id}/images: {content_type (at most 100 bytes), content_length (an int)}.
drops::v1::CreateImageUploadRequest NewImageUpload(const JsonBody& body,
                                                   const std::string& product_id,
                                                   const std::string& creator_id);
// POST .../images/{image_id}/complete and DELETE .../images/{image_id}, by the creator:
// drops::v1::CompleteImageUploadRequest or DeleteProductImageRequest.
template <class Request>
Request ImageOfProduct(const std::string& product_id, const std::string& image_id,
                       const std::string& creator_id) {
  Request req;
  req.set_product_id(product_id);
  req.set_image_id(image_id);
  req.set_creator_id(creator_id);
  return req;
}
// "scheduled", "live"... as a ListDrops filter; "" is no filter.
drops::v1::DropStatus DropStatusFilter(const std::string& status);

// The role a write needs: permission_denied creators_only / buyers_only otherwise.
void RequireCreator(const auth::Claims& caller);
void RequireBuyer(const auth::Claims& caller);

}  // namespace livedrop::gateway::requests
