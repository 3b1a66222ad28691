#include "followers_service.h"

#include <pqxx/pqxx>
#include <random>

#include "followers_logic.h"
#include "followers_store.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/pg/pool.h"

namespace livedrop::followers {
namespace {

constexpr char kTopic[] = "livedrop.followers";

int RandomSlot() {
  thread_local std::minstd_rand rng(std::random_device{}());
  return static_cast<int>(rng() % kCountSlots);
}

void ToProto(const FollowRow& row, v1::Follow& out) {
  out.set_follower_id(row.follower_id);
  out.set_creator_id(row.creator_id);
  rpc::SetTimestamp(row.since, out.mutable_since());
}

template <class Event>
void Emit(pqxx::transaction_base& tx, const char* type, const FollowRow& row) {
  Event event;
  event.set_follower_id(row.follower_id);
  event.set_creator_id(row.creator_id);
  const auto* call = rpc::CurrentInboundCall();
  kafka::EnqueueEvent(static_cast<pqxx::work&>(tx), kTopic,
                      kafka::MakeEnvelope(type, rpc::ServiceName(), row.creator_id, event,
                                          call ? call->trace_parent : ""));
}

// Fills a page: `rows` holds up to limit + 1 rows; the extra one only says "there is more".
template <class Response>
void FillPage(std::vector<FollowRow> rows, int limit, Response& resp) {
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  for (const auto& row : rows) ToProto(row, *resp.add_items());
  if (more) resp.set_next_cursor(EncodeCursor(rows.back().seq));
}

}  // namespace

FollowersServiceImpl::FollowersServiceImpl(pg::Pool& pool, UserDirectory& users, CountsView& counts)
    : pool_(pool), users_(users), counts_(counts) {}

std::string FollowersServiceImpl::RequireUser(const std::string& id, const char* what) {
  if (!IsUuid(id)) throw NotFoundError(what);
  const auto role = users_.RoleOf(id);
  if (!role) throw NotFoundError(what);
  return *role;
}

::grpc::Status FollowersServiceImpl::Follow(::grpc::ServerContext* ctx,
                                            const v1::FollowRequest* req,
                                            v1::FollowResponse* resp) {
  return rpc::Serve(ctx, "Follow", [&] {
    const std::string role = RequireUser(req->creator_id(), "creator");
    ValidateFollow(req->follower_id(), req->creator_id(), role);
    const auto row = pool_.Transact([&](pqxx::work& tx) {
      auto created = FollowersStore::Follow(tx, req->follower_id(), req->creator_id());
      if (created) {
        FollowersStore::AddToCounts(tx, req->creator_id(), req->follower_id(), +1, RandomSlot());
        Emit<v1::Followed>(tx, "followed", *created);
        return std::make_pair(*created, true);
      }
      return std::make_pair(*FollowersStore::Find(tx, req->follower_id(), req->creator_id()),
                            false);
    });
    if (row.second) {
      counts_.Refresh(req->creator_id());
      counts_.Refresh(req->follower_id());
    }
    ToProto(row.first, *resp->mutable_follow());
    resp->set_created(row.second);
  });
}

::grpc::Status FollowersServiceImpl::Unfollow(::grpc::ServerContext* ctx,
                                              const v1::UnfollowRequest* req,
                                              v1::UnfollowResponse* resp) {
  return rpc::Serve(ctx, "Unfollow", [&] {
    RequireUser(req->creator_id(), "creator");
    const bool removed = pool_.Transact([&](pqxx::work& tx) {
      if (!FollowersStore::Unfollow(tx, req->follower_id(), req->creator_id())) return false;
      FollowersStore::AddToCounts(tx, req->creator_id(), req->follower_id(), -1, RandomSlot());
      Emit<v1::Unfollowed>(tx, "unfollowed",
                           FollowRow{req->follower_id(), req->creator_id(), Now(), 0});
      return true;
    });
    if (removed) {
      counts_.Refresh(req->creator_id());
      counts_.Refresh(req->follower_id());
    }
    resp->set_removed(removed);
  });
}

::grpc::Status FollowersServiceImpl::IsFollowing(::grpc::ServerContext* ctx,
                                                 const v1::IsFollowingRequest* req,
                                                 v1::IsFollowingResponse* resp) {
  return rpc::Serve(ctx, "IsFollowing", [&] {
    RequireUser(req->creator_id(), "creator");
    const auto row = pool_.Transact([&](pqxx::work& tx) {
      return FollowersStore::Find(tx, req->follower_id(), req->creator_id());
    });
    resp->set_following(row.has_value());
    if (row) {
      v1::Follow follow;
      ToProto(*row, follow);
      *resp->mutable_since() = follow.since();
    }
  });
}

::grpc::Status FollowersServiceImpl::ListFollowers(::grpc::ServerContext* ctx,
                                                   const v1::ListFollowersRequest* req,
                                                   v1::ListFollowersResponse* resp) {
  return rpc::Serve(ctx, "ListFollowers", [&] {
    const int limit = PageSize(req->limit());
    const auto cursor = DecodeCursor(req->cursor());
    RequireUser(req->creator_id(), "creator");
    auto rows = pool_.Transact([&](pqxx::work& tx) {
      return FollowersStore::Followers(tx, req->creator_id(), cursor, limit + 1);
    });
    FillPage(std::move(rows), limit, *resp);
  });
}

::grpc::Status FollowersServiceImpl::ListFollowing(::grpc::ServerContext* ctx,
                                                   const v1::ListFollowingRequest* req,
                                                   v1::ListFollowingResponse* resp) {
  return rpc::Serve(ctx, "ListFollowing", [&] {
    const int limit = PageSize(req->limit());
    const auto cursor = DecodeCursor(req->cursor());
    if (!IsUuid(req->follower_id())) throw NotFoundError("user");
    auto rows = pool_.Transact([&](pqxx::work& tx) {
      return FollowersStore::Following(tx, req->follower_id(), cursor, limit + 1);
    });
    FillPage(std::move(rows), limit, *resp);
  });
}

::grpc::Status FollowersServiceImpl::GetCounts(::grpc::ServerContext* ctx,
                                               const v1::GetCountsRequest* req,
                                               v1::GetCountsResponse* resp) {
  return rpc::Serve(ctx, "GetCounts", [&] {
    if (!IsUuid(req->user_id())) throw NotFoundError("user");
    const auto counts = counts_.Get(req->user_id());
    resp->set_follower_count(counts.followers);
    resp->set_following_count(counts.following);
  });
}

}  // namespace livedrop::followers
