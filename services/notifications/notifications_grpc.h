#pragma once

#include "livedrop/notifications/v1/notifications.grpc.pb.h"

namespace livedrop::notifications {

class NotificationsApp;

// gRPC handlers of livedrop.notifications.v1.NotificationsService (called by the gateway,
// which passes the acting user's id from the verified token): proto ↔ domain around a call
// on the app, nothing else.
class NotificationsGrpc final : public v1::NotificationsService::Service {
 public:
  explicit NotificationsGrpc(NotificationsApp& app) : app_(app) {}

  ::grpc::Status ListNotifications(::grpc::ServerContext* ctx,
                                   const v1::ListNotificationsRequest* req,
                                   v1::ListNotificationsResponse* resp) override;
  ::grpc::Status ListSince(::grpc::ServerContext* ctx, const v1::ListSinceRequest* req,
                           v1::ListSinceResponse* resp) override;
  ::grpc::Status MarkRead(::grpc::ServerContext* ctx, const v1::MarkReadRequest* req,
                          v1::MarkReadResponse* resp) override;

 private:
  NotificationsApp& app_;
};

}  // namespace livedrop::notifications
