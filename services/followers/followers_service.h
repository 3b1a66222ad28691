#pragma once

#include "counts_view.h"
#include "livedrop/followers/v1/followers.grpc.pb.h"
#include "user_directory.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::followers {

// gRPC handlers of livedrop.followers.v1.FollowersService.
class FollowersServiceImpl final : public v1::FollowersService::Service {
 public:
  FollowersServiceImpl(pg::Pool& pool, UserDirectory& users, CountsView& counts);

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

 private:
  // The creator must exist (404 otherwise); returns their role.
  std::string RequireUser(const std::string& id, const char* what);

  pg::Pool& pool_;
  UserDirectory& users_;
  CountsView& counts_;
};

}  // namespace livedrop::followers
