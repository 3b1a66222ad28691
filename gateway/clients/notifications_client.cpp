#include "clients/notifications_client.h"

namespace livedrop::gateway {

using namespace livedrop::notifications::v1;

NotificationsClient::NotificationsClient(std::shared_ptr<::grpc::Channel> channel,
                                         std::chrono::milliseconds timeout)
    : stub_(NotificationsService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(NotificationsClient, ListNotifications)
LIVEDROP_CLIENT_CALL(NotificationsClient, ListSince)
LIVEDROP_CLIENT_CALL(NotificationsClient, MarkRead)

}  // namespace livedrop::gateway
