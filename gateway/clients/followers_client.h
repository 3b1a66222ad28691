#pragma once

#include <chrono>
#include <memory>

#include "clients/unary_call.h"
#include "livedrop/followers/v1/followers.grpc.pb.h"

namespace livedrop::gateway {

// The gateway's view of livedrop-followers: one non-blocking method per RPC it uses.
class FollowersClient {
 public:
  FollowersClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);

  void Follow(followers::v1::FollowRequest req, const rpc::CallOrigin& origin,
              Done<followers::v1::FollowResponse> done);
  void Unfollow(followers::v1::UnfollowRequest req, const rpc::CallOrigin& origin,
                Done<followers::v1::UnfollowResponse> done);
  void IsFollowing(followers::v1::IsFollowingRequest req, const rpc::CallOrigin& origin,
                   Done<followers::v1::IsFollowingResponse> done);
  void ListFollowers(followers::v1::ListFollowersRequest req, const rpc::CallOrigin& origin,
                     Done<followers::v1::ListFollowersResponse> done);
  void ListFollowing(followers::v1::ListFollowingRequest req, const rpc::CallOrigin& origin,
                     Done<followers::v1::ListFollowingResponse> done);
  void GetCounts(followers::v1::GetCountsRequest req, const rpc::CallOrigin& origin,
                 Done<followers::v1::GetCountsResponse> done);
  void BatchGetCounts(followers::v1::BatchGetCountsRequest req, const rpc::CallOrigin& origin,
                      Done<followers::v1::BatchGetCountsResponse> done);

 private:
  std::unique_ptr<followers::v1::FollowersService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::gateway
