#pragma once

#include "livedrop/notifications/v1/notifications.grpc.pb.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::notifications {

// gRPC handlers of livedrop.notifications.v1.NotificationsService: a user's inbox (personal
// notifications merged with the broadcasts of the creators they follow) and its read mark.
// Callers (the gateway) pass the acting user's id from the verified token.
class NotificationsServiceImpl final : public v1::NotificationsService::Service {
 public:
  explicit NotificationsServiceImpl(pg::Pool& pool);

  ::grpc::Status ListNotifications(::grpc::ServerContext* ctx,
                                   const v1::ListNotificationsRequest* req,
                                   v1::ListNotificationsResponse* resp) override;
  ::grpc::Status ListSince(::grpc::ServerContext* ctx, const v1::ListSinceRequest* req,
                           v1::ListSinceResponse* resp) override;
  ::grpc::Status MarkRead(::grpc::ServerContext* ctx, const v1::MarkReadRequest* req,
                          v1::MarkReadResponse* resp) override;

 private:
  pg::Pool& pool_;
};

}  // namespace livedrop::notifications
