#include "clients/images_client.h"

namespace livedrop::gateway {

using namespace livedrop::drops::v1;

ImagesClient::ImagesClient(std::shared_ptr<::grpc::Channel> channel,
                           std::chrono::milliseconds timeout)
    : stub_(ProductImagesService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(ImagesClient, CreateImageUpload)
LIVEDROP_CLIENT_CALL(ImagesClient, CompleteImageUpload)
LIVEDROP_CLIENT_CALL(ImagesClient, GetProductImage)
LIVEDROP_CLIENT_CALL(ImagesClient, DeleteProductImage)

}  // namespace livedrop::gateway
