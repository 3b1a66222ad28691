#include "clients/followers_client.h"

namespace livedrop::gateway {

using namespace livedrop::followers::v1;

FollowersClient::FollowersClient(std::shared_ptr<::grpc::Channel> channel,
                                 std::chrono::milliseconds timeout)
    : stub_(FollowersService::NewStub(std::move(channel))), timeout_(timeout) {}

LIVEDROP_CLIENT_CALL(FollowersClient, Follow)
LIVEDROP_CLIENT_CALL(FollowersClient, Unfollow)
LIVEDROP_CLIENT_CALL(FollowersClient, IsFollowing)
LIVEDROP_CLIENT_CALL(FollowersClient, ListFollowers)
LIVEDROP_CLIENT_CALL(FollowersClient, ListFollowing)
LIVEDROP_CLIENT_CALL(FollowersClient, GetCounts)
LIVEDROP_CLIENT_CALL(FollowersClient, BatchGetCounts)

}  // namespace livedrop::gateway
