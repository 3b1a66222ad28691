#pragma once

#include <boost/json/object.hpp>

#include "server/route_table.h"

namespace livedrop::drops::v1 {
class CreateImageUploadResponse;
}

namespace livedrop::gateway {

class ImagesClient;

// Product images (the product's creator only, except the read):
//   POST   /v1/products/{id}/images                        {content_type, content_length} → 201
//          {image_id, image, upload: {method, url, headers, expires_at}}
//   POST   /v1/products/{id}/images/{image_id}/complete    → 202 processing (200 once ready),
//          422 invalid_image
//   GET    /v1/products/{id}/images/{image_id}             → the image and its status
//   DELETE /v1/products/{id}/images/{image_id}             → 204
// The bytes never pass through here: the client PUTs them to the presigned URL.
// The request builders are routes/requests' (GraphQL's requestImageUpload, completeImageUpload
// and deleteProductImage send the same).
void AddImageRoutes(RouteTable& table, ImagesClient& images);

// The 201 body of POST /v1/products/{id}/images: {image_id, image, upload: {method, url,
// headers: {name: value}, expires_at}} (GraphQL's ImageUploadTicket is this, camelCased).
boost::json::object ImageUploadView(const drops::v1::CreateImageUploadResponse& r);

}  // namespace livedrop::gateway
