#include "followers_grpc.h"

#include "followers_app.h"
#include "livedrop/core/paging.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::followers {
namespace {

void ToProto(const FollowRow& row, v1::Follow& out) {
  out.set_follower_id(row.follower_id);
  out.set_creator_id(row.creator_id);
  rpc::SetTimestamp(row.since, out.mutable_since());
}

template <class Response>
void ToProto(const FollowPage& page, Response& resp) {
  for (const auto& row : page.items) {
    ToProto(row, *resp.add_items());
    resp.add_cursors(EncodeCursor(row.seq));
  }
  if (!page.next_cursor.empty()) resp.set_next_cursor(page.next_cursor);
}

}  // namespace

::grpc::Status FollowersGrpc::Follow(::grpc::ServerContext* ctx, const v1::FollowRequest* req,
                                     v1::FollowResponse* resp) {
  return rpc::Serve(ctx, "Follow", [&] {
    rpc::RequireActingUser(req->follower_id());
    const auto outcome = app_.Follow(req->follower_id(), req->creator_id());
    ToProto(outcome.follow, *resp->mutable_follow());
    resp->set_created(outcome.created);
  });
}

::grpc::Status FollowersGrpc::Unfollow(::grpc::ServerContext* ctx, const v1::UnfollowRequest* req,
                                       v1::UnfollowResponse* resp) {
  return rpc::Serve(ctx, "Unfollow", [&] {
    rpc::RequireActingUser(req->follower_id());
    resp->set_removed(app_.Unfollow(req->follower_id(), req->creator_id()));
  });
}

::grpc::Status FollowersGrpc::IsFollowing(::grpc::ServerContext* ctx,
                                          const v1::IsFollowingRequest* req,
                                          v1::IsFollowingResponse* resp) {
  return rpc::Serve(ctx, "IsFollowing", [&] {
    const auto follow = app_.Find(req->follower_id(), req->creator_id());
    resp->set_following(follow.has_value());
    if (follow) rpc::SetTimestamp(follow->since, resp->mutable_since());
  });
}

::grpc::Status FollowersGrpc::ListFollowers(::grpc::ServerContext* ctx,
                                            const v1::ListFollowersRequest* req,
                                            v1::ListFollowersResponse* resp) {
  return rpc::Serve(ctx, "ListFollowers", [&] {
    ToProto(app_.Followers(req->creator_id(), req->limit(), req->cursor()), *resp);
  });
}

::grpc::Status FollowersGrpc::ListFollowing(::grpc::ServerContext* ctx,
                                            const v1::ListFollowingRequest* req,
                                            v1::ListFollowingResponse* resp) {
  return rpc::Serve(ctx, "ListFollowing", [&] {
    ToProto(app_.Following(req->follower_id(), req->limit(), req->cursor()), *resp);
  });
}

::grpc::Status FollowersGrpc::GetCounts(::grpc::ServerContext* ctx, const v1::GetCountsRequest* req,
                                        v1::GetCountsResponse* resp) {
  return rpc::Serve(ctx, "GetCounts", [&] {
    const auto counts = app_.GetCounts(req->user_id());
    resp->set_follower_count(counts.followers);
    resp->set_following_count(counts.following);
  });
}

::grpc::Status FollowersGrpc::BatchGetCounts(::grpc::ServerContext* ctx,
                                             const v1::BatchGetCountsRequest* req,
                                             v1::BatchGetCountsResponse* resp) {
  return rpc::Serve(ctx, "BatchGetCounts", [&] {
    for (const auto& row : app_.BatchGetCounts({req->user_ids().begin(), req->user_ids().end()})) {
      auto& out = *resp->add_counts();
      out.set_user_id(row.user_id);
      out.set_follower_count(row.counts.followers);
      out.set_following_count(row.counts.following);
    }
  });
}

}  // namespace livedrop::followers
