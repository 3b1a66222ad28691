#include "notifications_grpc.h"

#include "livedrop/grpc/call.h"
#include "notifications_app.h"
#include "notifications_proto.h"

namespace livedrop::notifications {

::grpc::Status NotificationsGrpc::ListNotifications(::grpc::ServerContext* ctx,
                                                    const v1::ListNotificationsRequest* req,
                                                    v1::ListNotificationsResponse* resp) {
  return rpc::Serve(ctx, "ListNotifications", [&] {
    rpc::RequireActingUser(req->user_id());
    const auto page = app_.ListNotifications(req->user_id(), req->limit(), req->cursor());
    for (const auto& item : page.items) {
      auto& out = *resp->add_items();
      ToProto(item.notification, *out.mutable_notification());
      out.set_read(item.read);
    }
    resp->set_next_cursor(page.next_cursor);
  });
}

::grpc::Status NotificationsGrpc::ListSince(::grpc::ServerContext* ctx,
                                            const v1::ListSinceRequest* req,
                                            v1::ListSinceResponse* resp) {
  return rpc::Serve(ctx, "ListSince", [&] {
    rpc::RequireActingUser(req->user_id());
    const auto page = app_.ListSince(req->user_id(), req->after_id(), req->limit());
    for (const auto& row : page.items) ToProto(row, *resp->add_items());
    resp->set_more(page.more);
  });
}

::grpc::Status NotificationsGrpc::MarkRead(::grpc::ServerContext* ctx,
                                           const v1::MarkReadRequest* req,
                                           v1::MarkReadResponse* resp) {
  return rpc::Serve(ctx, "MarkRead", [&] {
    rpc::RequireActingUser(req->user_id());
    resp->set_marked(app_.MarkRead(req->user_id(), req->up_to_id(), req->all()));
  });
}

}  // namespace livedrop::notifications
