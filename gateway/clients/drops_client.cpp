#include "clients/drops_client.h"

namespace livedrop::gateway {

using namespace livedrop::drops::v1;

DropsClient::DropsClient(std::shared_ptr<::grpc::Channel> channel,
                         std::chrono::milliseconds timeout)
    : stub_(DropsService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(DropsClient, CreateProduct)
LIVEDROP_CLIENT_CALL(DropsClient, GetProduct)
LIVEDROP_CLIENT_CALL(DropsClient, GetProducts)
LIVEDROP_CLIENT_CALL(DropsClient, CreateDrop)
LIVEDROP_CLIENT_CALL(DropsClient, GetDrop)
LIVEDROP_CLIENT_CALL(DropsClient, GetDrops)
LIVEDROP_CLIENT_CALL(DropsClient, ListDrops)
LIVEDROP_CLIENT_CALL(DropsClient, CancelDrop)

}  // namespace livedrop::gateway
