#include "clients/auth_client.h"
#include "clients/followers_client.h"
#include "graphql_api/api_resolvers.h"
#include "graphql_api/id_loader.h"
#include "livedrop/core/paging.h"
#include "routes/requests.h"
#include "routes/views.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

namespace {

json::value SessionNode(const auth::v1::User& user, const auth::v1::TokenPair& tokens) {
  return Node(views::Session(user, tokens));
}

// A user as a creator's profile, or null for a user who is not a creator (as REST's 404).
json::value CreatorNode(const json::value& user) {
  const auto* object = user.if_object();
  if (object == nullptr || !object->at("role").is_string() ||
      object->at("role").as_string() != "creator")
    return nullptr;
  return json::object{{"id", object->at("id")}, {"displayName", object->at("displayName")}};
}

void CountField(graphql::Resolvers& r, const char* field) {
  r.Field("Creator", field, [field](graphql::FieldCall call) {
    call.Load(
        "counts", call.parent().at("id"),
        [field](const graphql::FieldCall& call, const graphql::Outcome& counts) {
          if (!counts.ok()) return call.Resolve(counts);
          call.Resolve(counts.value().is_object() ? counts.value().at(field) : json::value(0));
        });
  });
}

}  // namespace

void AddAccountResolvers(graphql::Resolvers& r, const ApiClients& clients) {
  auto& auth = clients.auth;
  auto& followers = clients.followers;

  r.Loader("user", IdLoader<auth::v1::GetUsersResponse>(
                       kMaxPageSize,
                       [&auth](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                               Done<auth::v1::GetUsersResponse> done) {
                         auth::v1::GetUsersRequest req;
                         for (auto& id : ids) req.add_ids(std::move(id));
                         auth.GetUsers(std::move(req), origin, std::move(done));
                       },
                       [](const auth::v1::GetUsersResponse& r) { return r.users(); },
                       [](const auth::v1::User& u) { return u.id(); },
                       [](const auth::v1::User& u) { return Node(views::User(u)); }));
  r.Loader("counts", IdLoader<followers::v1::BatchGetCountsResponse>(
                         kMaxPageSize,
                         [&followers](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                                      Done<followers::v1::BatchGetCountsResponse> done) {
                           followers::v1::BatchGetCountsRequest req;
                           for (auto& id : ids) req.add_user_ids(std::move(id));
                           followers.BatchGetCounts(std::move(req), origin, std::move(done));
                         },
                         [](const followers::v1::BatchGetCountsResponse& r) { return r.counts(); },
                         [](const followers::v1::Counts& c) { return c.user_id(); },
                         [](const followers::v1::Counts& c) -> json::value {
                           return json::object{{"followerCount", c.follower_count()},
                                               {"followingCount", c.following_count()}};
                         }));

  r.Field("Query", "me", [&auth](graphql::FieldCall call) {
    auth::v1::GetUserRequest req;
    req.set_id(CallerOf(call).subject);
    auth.GetUser(std::move(req), ContextOf(call).origin,
                 Answer<auth::v1::GetUserResponse>(
                     call, [](const auto& resp) { return Node(views::User(resp.user())); }));
  });
  r.SyncField("User", "role", EnumMember("role"));

  r.Field("Query", "creator", [](graphql::FieldCall call) {
    call.Load("user", json::value(StringArg(call, "id")),
              [](const graphql::FieldCall& call, const graphql::Outcome& user) {
                if (!user.ok()) return call.Resolve(user);
                call.Resolve(CreatorNode(user.value()));
              });
  });
  CountField(r, "followerCount");
  CountField(r, "followingCount");
  r.Field("Creator", "followers", [&followers](graphql::FieldCall call) {
    followers::v1::ListFollowersRequest req;
    req.set_creator_id(std::string(call.parent().at("id").as_string()));
    req.set_limit(FirstOf(call));
    req.set_cursor(AfterOf(call));
    followers.ListFollowers(
        std::move(req), ContextOf(call).origin,
        Answer<followers::v1::ListFollowersResponse>(call, [](const auto& resp) {
          json::array nodes;
          for (const auto& f : resp.items()) nodes.push_back(Node(views::Follower(f)));
          return Connection(std::move(nodes), Cursors(resp.cursors()), resp.next_cursor());
        }));
  });
  // Drop.creator and Product.creator: the profile of the parent's creatorId, batched.
  for (const char* type : {"Drop", "Product"}) {
    r.Field(type, "creator", [](graphql::FieldCall call) {
      call.Load("user", call.parent().at("creatorId"),
                [](const graphql::FieldCall& call, const graphql::Outcome& user) {
                  if (!user.ok()) return call.Resolve(user);
                  call.Resolve(CreatorNode(user.value()));
                });
    });
  }

  RateLimits* limits = clients.limits;
  auto checks = [limits](const ratelimit::Policy RateLimitPolicies::*policy, std::string key) {
    std::vector<LimitCheck> c;
    if (limits) c.push_back({&(limits->policies().*policy), std::move(key)});
    return c;
  };
  // As the REST routes: the client IP's quota first (looser), then the account's or token's.
  auto per_ip_then = [limits](const graphql::FieldCall& call,
                              const ratelimit::Policy RateLimitPolicies::*ip_policy,
                              const ratelimit::Policy RateLimitPolicies::*policy,
                              std::string key) {
    std::vector<LimitCheck> c;
    if (!limits) return c;
    c.push_back({&(limits->policies().*ip_policy), ContextOf(call).client_ip});
    c.push_back({&(limits->policies().*policy), std::move(key)});
    return c;
  };

  r.Field("Mutation", "register", [&auth, limits, per_ip_then](graphql::FieldCall call) {
    auto input = InputOf(call).object();
    input["role"] = RestName(std::string(input.at("role").as_string()));
    auto req = requests::Register(JsonBody::Of(std::move(input)));
    Limited(limits, call,
            per_ip_then(call, &RateLimitPolicies::register_ip, &RateLimitPolicies::register_account,
                        AccountKey(req.email())),
            [&auth, call, req](std::function<void()>) mutable {
              auth.Register(std::move(req), ContextOf(call).origin,
                            Answer<auth::v1::RegisterResponse>(call, [](const auto& resp) {
                              return SessionNode(resp.user(), resp.tokens());
                            }));
            });
  });
  r.Field("Mutation", "login", [&auth, limits, per_ip_then](graphql::FieldCall call) {
    auto req = requests::Login(InputOf(call));
    Limited(limits, call,
            per_ip_then(call, &RateLimitPolicies::login_ip, &RateLimitPolicies::login_account,
                        AccountKey(req.email())),
            [&auth, call, req](std::function<void()>) mutable {
              auth.Login(std::move(req), ContextOf(call).origin,
                         Answer<auth::v1::LoginResponse>(call, [](const auto& resp) {
                           return SessionNode(resp.user(), resp.tokens());
                         }));
            });
  });
  r.Field("Mutation", "refresh", [&auth, limits, per_ip_then](graphql::FieldCall call) {
    auth::v1::RefreshRequest req;
    req.set_refresh_token(requests::RefreshToken(
        JsonBody::Of(json::object{{"refresh_token", StringArg(call, "refreshToken")}})));
    Limited(limits, call,
            per_ip_then(call, &RateLimitPolicies::refresh_ip, &RateLimitPolicies::refresh_token,
                        SecretKey(req.refresh_token())),
            [&auth, call, req](std::function<void()>) mutable {
              auth.Refresh(std::move(req), ContextOf(call).origin,
                           Answer<auth::v1::RefreshResponse>(call, [](const auto& resp) {
                             return SessionNode(resp.user(), resp.tokens());
                           }));
            });
  });
  r.Field("Mutation", "logout", [&auth](graphql::FieldCall call) {
    auth::v1::LogoutRequest req;
    req.set_refresh_token(requests::RefreshToken(
        JsonBody::Of(json::object{{"refresh_token", StringArg(call, "refreshToken")}})));
    auth.Logout(
        std::move(req), ContextOf(call).origin,
        Answer<auth::v1::LogoutResponse>(call, [](const auto&) { return json::value(true); }));
  });

  r.Field("Mutation", "follow", [&followers, limits, checks](graphql::FieldCall call) {
    followers::v1::FollowRequest req;
    req.set_follower_id(CallerOf(call).subject);
    req.set_creator_id(StringArg(call, "creatorId"));
    Limited(limits, call, checks(&RateLimitPolicies::follows_user, req.follower_id()),
            [&followers, call, req](std::function<void()>) mutable {
              followers.Follow(std::move(req), ContextOf(call).origin,
                               Answer<followers::v1::FollowResponse>(call, [](const auto& resp) {
                                 const auto& f = resp.follow();
                                 return Node(views::FollowState(f.creator_id(), true, &f.since()));
                               }));
            });
  });
  r.Field("Mutation", "unfollow", [&followers, limits, checks](graphql::FieldCall call) {
    followers::v1::UnfollowRequest req;
    req.set_follower_id(CallerOf(call).subject);
    req.set_creator_id(StringArg(call, "creatorId"));
    const std::string creator = req.creator_id();
    Limited(limits, call, checks(&RateLimitPolicies::follows_user, req.follower_id()),
            [&followers, call, req, creator](std::function<void()>) mutable {
              followers.Unfollow(
                  std::move(req), ContextOf(call).origin,
                  Answer<followers::v1::UnfollowResponse>(call, [creator](const auto&) {
                    return Node(views::FollowState(creator, false, nullptr));
                  }));
            });
  });
}

}  // namespace livedrop::gateway::api
