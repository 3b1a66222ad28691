#include "ws/following_loader.h"

#include <memory>

#include "clients/followers_client.h"

namespace livedrop::gateway {
namespace {

struct Loading {
  FollowersClient& followers;
  std::string user_id;
  rpc::CallOrigin origin;
  std::size_t max;
  std::function<void(std::optional<Error>, std::vector<std::string>)> done;
  std::vector<std::string> creators;
};

void NextPage(std::shared_ptr<Loading> loading, std::string cursor) {
  followers::v1::ListFollowingRequest req;
  req.set_follower_id(loading->user_id);
  req.set_limit(200);
  req.set_cursor(std::move(cursor));
  auto& followers = loading->followers;
  const auto origin = loading->origin;
  followers.ListFollowing(
      std::move(req), origin, [loading](Outcome<followers::v1::ListFollowingResponse> o) {
        if (auto* e = std::get_if<Error>(&o)) return loading->done(*e, {});
        const auto& page = std::get<followers::v1::ListFollowingResponse>(o);
        for (const auto& f : page.items()) loading->creators.push_back(f.creator_id());
        if (!page.next_cursor().empty() && loading->creators.size() < loading->max) {
          return NextPage(loading, page.next_cursor());
        }
        loading->done(std::nullopt, std::move(loading->creators));
      });
}

}  // namespace

void LoadFollowing(FollowersClient& followers, std::string user_id, rpc::CallOrigin origin,
                   std::size_t max,
                   std::function<void(std::optional<Error>, std::vector<std::string>)> done) {
  NextPage(std::make_shared<Loading>(
               Loading{followers, std::move(user_id), std::move(origin), max, std::move(done), {}}),
           "");
}

}  // namespace livedrop::gateway
