#include "followers_events.h"

#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/grpc/call.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"
#include "livedrop/kafka/topics.h"

namespace livedrop::followers {
namespace {

void Enqueue(pqxx::transaction_base& tx, const char* type, const std::string& creator_id,
             const google::protobuf::Message& payload) {
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  kafka::EnqueueEvent(tx, topics::kFollowers,
                      kafka::MakeEnvelope(type, rpc::ServiceName(), creator_id, payload, trace));
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
