#include "clients/orders_client.h"

namespace livedrop::gateway {

using namespace livedrop::orders::v1;

OrdersClient::OrdersClient(std::shared_ptr<::grpc::Channel> channel,
                           std::chrono::milliseconds timeout)
    : stub_(OrdersService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(OrdersClient, PlaceOrder)
LIVEDROP_CLIENT_CALL(OrdersClient, GetOrder)
LIVEDROP_CLIENT_CALL(OrdersClient, ListOrders)
LIVEDROP_CLIENT_CALL(OrdersClient, CancelOrder)

}  // namespace livedrop::gateway
