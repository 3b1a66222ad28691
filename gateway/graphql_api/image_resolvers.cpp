#include <map>

#include "clients/images_client.h"
#include "graphql_api/api_resolvers.h"
#include "graphql_api/resolver_support.h"
#include "routes/image_routes.h"
#include "routes/requests.h"
#include "routes/views.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

namespace {

// REST's upload view with its headers as a list of {name, value}, sorted by name: an object
// keyed by header names is not a GraphQL type a client can select from.
json::value TicketNode(const drops::v1::CreateImageUploadResponse& resp) {
  auto node = Node(ImageUploadView(resp));
  const std::map<std::string, std::string> sorted(resp.upload().headers().begin(),
                                                  resp.upload().headers().end());
  json::array headers;
  for (const auto& [name, value] : sorted) {
    headers.push_back(json::object{{"name", name}, {"value", value}});
  }
  node.at("upload").as_object()["headers"] = std::move(headers);
  return node;
}

json::value ImageNode(const drops::v1::ProductImage& image) {
  return Node(views::ProductImage(image));
}

}  // namespace

void AddImageResolvers(graphql::Resolvers& r, const ApiClients& clients) {
  auto& images = clients.images;

  r.SyncField("ProductImage", "status", EnumMember("status"));

  r.Field("Mutation", "requestImageUpload", [&images](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    const auto product = StringArg(call, "productId");
    images.CreateImageUpload(requests::NewImageUpload(InputOf(call), product, caller.subject),
                             ContextOf(call).origin,
                             Answer<drops::v1::CreateImageUploadResponse>(call, TicketNode));
  });
  r.Field("Mutation", "completeImageUpload", [&images](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    images.CompleteImageUpload(
        requests::ImageOfProduct<drops::v1::CompleteImageUploadRequest>(
            StringArg(call, "productId"), StringArg(call, "imageId"), caller.subject),
        ContextOf(call).origin,
        Answer<drops::v1::CompleteImageUploadResponse>(
            call, [](const auto& resp) { return ImageNode(resp.image()); }));
  });
  r.Field("Mutation", "deleteProductImage", [&images](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    auto image = StringArg(call, "imageId");
    images.DeleteProductImage(requests::ImageOfProduct<drops::v1::DeleteProductImageRequest>(
                                  StringArg(call, "productId"), image, caller.subject),
                              ContextOf(call).origin,
                              Answer<drops::v1::DeleteProductImageResponse>(
                                  call, [image](const auto&) { return json::value(image); }));
  });
}

}  // namespace livedrop::gateway::api
