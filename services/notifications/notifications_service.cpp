#include "notifications_service.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/pg/pool.h"
#include "notification_events.h"
#include "notifications_logic.h"
#include "notifications_store.h"

namespace livedrop::notifications {

NotificationsServiceImpl::NotificationsServiceImpl(pg::Pool& pool) : pool_(pool) {}

::grpc::Status NotificationsServiceImpl::ListNotifications(::grpc::ServerContext* ctx,
                                                           const v1::ListNotificationsRequest* req,
                                                           v1::ListNotificationsResponse* resp) {
  return rpc::Serve(ctx, "ListNotifications", [&] {
    RequireUuid("user_id", req->user_id());
    const int limit = PageSize(req->limit());
    const auto before = DecodeCursor(req->cursor());
    // Read committed gives each statement its own snapshot either way: no BEGIN/COMMIT.
    auto [rows, read_mark] = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
      return std::make_pair(NotificationsStore::ListInbox(tx, req->user_id(), before, limit + 1),
                            NotificationsStore::ReadMark(tx, req->user_id()));
    });
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    for (const auto& row : rows) {
      auto& item = *resp->add_items();
      ToProto(row, *item.mutable_notification());
      item.set_read(row.seq <= read_mark);
    }
    if (more) resp->set_next_cursor(EncodeCursor(rows.back().seq));
  });
}

::grpc::Status NotificationsServiceImpl::ListSince(::grpc::ServerContext* ctx,
                                                   const v1::ListSinceRequest* req,
                                                   v1::ListSinceResponse* resp) {
  return rpc::Serve(ctx, "ListSince", [&] {
    RequireUuid("user_id", req->user_id());
    RequireUuid("after_id", req->after_id());
    const int limit = SinceLimit(req->limit());
    auto rows = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
      const auto after = NotificationsStore::FindSeq(tx, req->user_id(), req->after_id());
      if (!after) {
        throw Error(ErrorKind::kNotFound, "unknown_event_id",
                    "no notification " + req->after_id() + " to continue from");
      }
      return NotificationsStore::ListInboxAfter(tx, req->user_id(), *after, limit + 1);
    });
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    for (const auto& row : rows) ToProto(row, *resp->add_items());
    resp->set_more(more);
  });
}

::grpc::Status NotificationsServiceImpl::MarkRead(::grpc::ServerContext* ctx,
                                                  const v1::MarkReadRequest* req,
                                                  v1::MarkReadResponse* resp) {
  return rpc::Serve(ctx, "MarkRead", [&] {
    RequireUuid("user_id", req->user_id());
    if (req->all() == !req->up_to_id().empty()) {
      throw ValidationError("up_to_id", "give either up_to_id or all");
    }
    if (!req->all()) RequireUuid("up_to_id", req->up_to_id());
    const auto marked = pool_.Transact([&](pqxx::work& tx) -> std::int64_t {
      std::int64_t target = 0;
      if (req->all()) {
        const auto newest = NotificationsStore::ListInbox(tx, req->user_id(), std::nullopt, 1);
        if (newest.empty()) return 0;
        target = newest.front().seq;
      } else {
        const auto seq = NotificationsStore::FindSeq(tx, req->user_id(), req->up_to_id());
        if (!seq) throw NotFoundError("notification");
        target = *seq;
      }
      // Locked so that two concurrent calls count each newly read item once.
      const auto current = NotificationsStore::LockReadMark(tx, req->user_id());
      if (target <= current) return 0;
      NotificationsStore::SetReadMark(tx, req->user_id(), target);
      return NotificationsStore::CountInbox(tx, req->user_id(), current, target);
    });
    resp->set_marked(marked);
  });
}

}  // namespace livedrop::notifications
