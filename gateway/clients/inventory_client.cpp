#include "clients/inventory_client.h"

namespace livedrop::gateway {

using namespace livedrop::inventory::v1;

InventoryClient::InventoryClient(std::shared_ptr<::grpc::Channel> channel,
                                 std::chrono::milliseconds timeout)
    : stub_(InventoryService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(InventoryClient, GetStock)
LIVEDROP_CLIENT_CALL(InventoryClient, GetStocks)

}  // namespace livedrop::gateway
