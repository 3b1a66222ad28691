#include "routes/image_routes.h"

#include <boost/json.hpp>

#include "clients/images_client.h"
#include "livedrop/grpc/proto_values.h"
#include "routes/answer.h"
#include "routes/requests.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {

using namespace livedrop::drops::v1;

boost::json::object ImageUploadView(const CreateImageUploadResponse& r) {
  boost::json::object headers;
  for (const auto& [name, value] : r.upload().headers()) headers[name] = value;
  return {{"image_id", r.image().id()},
          {"image", views::ProductImage(r.image())},
          {"upload",
           {{"method", r.upload().method()},
            {"url", r.upload().url()},
            {"headers", std::move(headers)},
            {"expires_at", rpc::Rfc3339(r.upload().expires_at())}}}};
}

void AddImageRoutes(RouteTable& table, ImagesClient& images) {
  table.Add("POST", "/v1/products/{id}/images", Access::kAuthenticated,
            [&images](const CallPtr& call) {
              requests::RequireCreator(call->caller());
              images.CreateImageUpload(
                  requests::NewImageUpload(JsonBody::Parse(call->request()), call->PathParam("id"),
                                           call->caller().subject),
                  call->origin(), Answer<CreateImageUploadResponse>(call, 201, ImageUploadView));
            });

  table.Add("POST", "/v1/products/{id}/images/{image_id}/complete", Access::kAuthenticated,
            [&images](const CallPtr& call) {
              requests::RequireCreator(call->caller());
              images.CompleteImageUpload(
                  requests::ImageOfProduct<CompleteImageUploadRequest>(
                      call->PathParam("id"), call->PathParam("image_id"), call->caller().subject),
                  call->origin(), [call](Outcome<CompleteImageUploadResponse> outcome) {
                    if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                    const auto& image = std::get<CompleteImageUploadResponse>(outcome).image();
                    call->ReplyJson(image.status() == IMAGE_STATUS_READY ? 200 : 202,
                                    boost::json::serialize(views::ProductImage(image)));
                  });
            });

  table.Add("GET", "/v1/products/{id}/images/{image_id}", Access::kPublic,
            [&images](const CallPtr& call) {
              GetProductImageRequest req;
              req.set_product_id(call->PathParam("id"));
              req.set_image_id(call->PathParam("image_id"));
              images.GetProductImage(std::move(req), call->origin(),
                                     Answer<GetProductImageResponse>(call, 200, [](const auto& r) {
                                       return views::ProductImage(r.image());
                                     }));
            });

  table.Add("DELETE", "/v1/products/{id}/images/{image_id}", Access::kAuthenticated,
            [&images](const CallPtr& call) {
              requests::RequireCreator(call->caller());
              images.DeleteProductImage(
                  requests::ImageOfProduct<DeleteProductImageRequest>(
                      call->PathParam("id"), call->PathParam("image_id"), call->caller().subject),
                  call->origin(), [call](Outcome<DeleteProductImageResponse> outcome) {
                    if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                    call->ReplyEmpty(204);
                  });
            });
}

}  // namespace livedrop::gateway
