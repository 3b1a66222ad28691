#include "followers_events.h"

#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"

namespace livedrop::followers {
namespace {

void Enqueue(pqxx::transaction_base& tx, const char* type, const std::string& creator_id,
             const google::protobuf::Message& payload) {
  service::EnqueueEvent(tx, topics::kFollowers, type, creator_id, payload);
}

}  // namespace

void EmitFollowed(pqxx::transaction_base& tx, const FollowRow& follow) {
  v1::Followed e;
  e.set_follower_id(follow.follower_id);
  e.set_creator_id(follow.creator_id);
  Enqueue(tx, event_types::kFollowed, follow.creator_id, e);
}

void EmitUnfollowed(pqxx::transaction_base& tx, const std::string& follower_id,
                    const std::string& creator_id) {
  v1::Unfollowed e;
  e.set_follower_id(follower_id);
  e.set_creator_id(creator_id);
  Enqueue(tx, event_types::kUnfollowed, creator_id, e);
}

}  // namespace livedrop::followers
