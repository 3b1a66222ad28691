#pragma once

#include "livedrop/followers/v1/followers.grpc.pb.h"

namespace livedrop::followers {

class FollowersApp;

// gRPC handlers of livedrop.followers.v1.FollowersService: proto ↔ domain around a call on the
// app, nothing else.
class FollowersGrpc final : public v1::FollowersService::Service {
 public:
  explicit FollowersGrpc(FollowersApp& app) : app_(app) {}

  ::grpc::Status Follow(::grpc::ServerContext* ctx, const v1::FollowRequest* req,
                        v1::FollowResponse* resp) override;
  ::grpc::Status Unfollow(::grpc::ServerContext* ctx, const v1::UnfollowRequest* req,
                          v1::UnfollowResponse* resp) override;
  ::grpc::Status IsFollowing(::grpc::ServerContext* ctx, const v1::IsFollowingRequest* req,
                             v1::IsFollowingResponse* resp) override;
  ::grpc::Status ListFollowers(::grpc::ServerContext* ctx, const v1::ListFollowersRequest* req,
                               v1::ListFollowersResponse* resp) override;
  ::grpc::Status ListFollowing(::grpc::ServerContext* ctx, const v1::ListFollowingRequest* req,
                               v1::ListFollowingResponse* resp) override;
  ::grpc::Status GetCounts(::grpc::ServerContext* ctx, const v1::GetCountsRequest* req,
                           v1::GetCountsResponse* resp) override;
  ::grpc::Status BatchGetCounts(::grpc::ServerContext* ctx, const v1::BatchGetCountsRequest* req,
                                v1::BatchGetCountsResponse* resp) override;

 private:
  FollowersApp& app_;
};

}  // namespace livedrop::followers
