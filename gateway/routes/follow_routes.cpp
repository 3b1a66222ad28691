#include "routes/follow_routes.h"

#include <boost/json.hpp>

#include "clients/auth_client.h"
#include "clients/followers_client.h"
#include "livedrop/grpc/proto_values.h"
#include "routes/paging.h"
#include "routes/views.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {
using namespace livedrop::followers::v1;
namespace json = boost::json;

void AddFollowRoutes(RouteTable& table, AuthClient& auth, FollowersClient& followers,
                     RateLimits* limits) {
  auto per_user = [limits](const CallPtr& call) {
    std::vector<LimitCheck> checks;
    if (limits) checks.push_back({&limits->policies().follows_user, call->caller().subject});
    return checks;
  };

  table.Add("PUT", "/v1/me/following/{creator_id}", Access::kAuthenticated,
            [&followers, limits, per_user](const CallPtr& call) {
              FollowRequest req;
              req.set_follower_id(call->caller().subject);
              req.set_creator_id(call->PathParam("creator_id"));
              AdmitOrRun(limits, call, per_user(call), [&followers, call, req]() mutable {
                followers.Follow(
                    std::move(req), call->origin(), [call](Outcome<FollowResponse> outcome) {
                      if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                      const auto& f = std::get<FollowResponse>(outcome).follow();
                      call->ReplyJson(200, json::serialize(views::FollowState(f.creator_id(), true,
                                                                              &f.since())));
                    });
              });
            });

  table.Add("DELETE", "/v1/me/following/{creator_id}", Access::kAuthenticated,
            [&followers, limits, per_user](const CallPtr& call) {
              UnfollowRequest req;
              req.set_follower_id(call->caller().subject);
              req.set_creator_id(call->PathParam("creator_id"));
              AdmitOrRun(limits, call, per_user(call), [&followers, call, req]() mutable {
                followers.Unfollow(std::move(req), call->origin(),
                                   [call](Outcome<UnfollowResponse> outcome) {
                                     if (auto* e = std::get_if<Error>(&outcome)) {
                                       return call->Fail(*e);
                                     }
                                     call->ReplyEmpty(204);
                                   });
              });
            });

  table.Add(
      "GET", "/v1/me/following/{creator_id}", Access::kAuthenticated,
      [&followers](const CallPtr& call) {
        IsFollowingRequest req;
        req.set_follower_id(call->caller().subject);
        req.set_creator_id(call->PathParam("creator_id"));
        const std::string creator = req.creator_id();
        followers.IsFollowing(
            std::move(req), call->origin(), [call, creator](Outcome<IsFollowingResponse> outcome) {
              if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
              const auto& r = std::get<IsFollowingResponse>(outcome);
              call->ReplyJson(
                  200, json::serialize(views::FollowState(creator, r.following(), &r.since())));
            });
      });

  table.Add("GET", "/v1/me/following", Access::kAuthenticated, [&followers](const CallPtr& call) {
    const auto page = ReadPageRequest(call->request());
    ListFollowingRequest req;
    req.set_follower_id(call->caller().subject);
    req.set_limit(page.limit);
    req.set_cursor(page.cursor);
    followers.ListFollowing(std::move(req), call->origin(),
                            [call](Outcome<ListFollowingResponse> outcome) {
                              if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                              const auto& r = std::get<ListFollowingResponse>(outcome);
                              json::array items;
                              for (const auto& f : r.items()) {
                                items.push_back(views::Following(f));
                              }
                              call->ReplyJson(200, PageJson(std::move(items), r.next_cursor()));
                            });
  });

  table.Add("GET", "/v1/creators/{id}/followers", Access::kPublic,
            [&followers](const CallPtr& call) {
              const auto page = ReadPageRequest(call->request());
              ListFollowersRequest req;
              req.set_creator_id(call->PathParam("id"));
              req.set_limit(page.limit);
              req.set_cursor(page.cursor);
              followers.ListFollowers(
                  std::move(req), call->origin(), [call](Outcome<ListFollowersResponse> outcome) {
                    if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                    const auto& r = std::get<ListFollowersResponse>(outcome);
                    json::array items;
                    for (const auto& f : r.items()) {
                      items.push_back(views::Follower(f));
                    }
                    call->ReplyJson(200, PageJson(std::move(items), r.next_cursor()));
                  });
            });

  table.Add("GET", "/v1/creators/{id}", Access::kPublic, [&auth, &followers](const CallPtr& call) {
    auth::v1::GetUserRequest user_req;
    user_req.set_id(call->PathParam("id"));
    auth.GetUser(std::move(user_req), call->origin(),
                 [call, &followers](Outcome<auth::v1::GetUserResponse> user_outcome) {
                   if (auto* e = std::get_if<Error>(&user_outcome)) return call->Fail(*e);
                   const auto user = std::get<auth::v1::GetUserResponse>(user_outcome).user();
                   if (user.role() != auth::v1::ROLE_CREATOR)
                     return call->Fail(NotFoundError("creator"));
                   GetCountsRequest counts_req;
                   counts_req.set_user_id(user.id());
                   followers.GetCounts(
                       std::move(counts_req), call->origin(),
                       [call, user](Outcome<GetCountsResponse> counts_outcome) {
                         if (auto* e = std::get_if<Error>(&counts_outcome)) return call->Fail(*e);
                         const auto& c = std::get<GetCountsResponse>(counts_outcome);
                         call->ReplyPublic(json::serialize(views::Creator(user, c)));
                       });
                 });
  });
}

}  // namespace livedrop::gateway
