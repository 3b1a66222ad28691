#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/notifications/v1/notifications.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-notifications: the inbox and the replay for reconnects.
class NotificationsClient {
 public:
  NotificationsClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void ListNotifications(notifications::v1::ListNotificationsRequest req,
                         const rpc::CallOrigin& origin,
                         Done<notifications::v1::ListNotificationsResponse> done);
  void ListSince(notifications::v1::ListSinceRequest req, const rpc::CallOrigin& origin,
                 Done<notifications::v1::ListSinceResponse> done);
  void MarkRead(notifications::v1::MarkReadRequest req, const rpc::CallOrigin& origin,
                Done<notifications::v1::MarkReadResponse> done);

 private:
  std::unique_ptr<notifications::v1::NotificationsService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
