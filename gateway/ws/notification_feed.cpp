#include "ws/notification_feed.h"

#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "ws/frames.h"
#include "ws/notification_hub.h"

namespace livedrop::gateway {
namespace {

double SecondsSince(const google::protobuf::Timestamp& t) {
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(t.seconds()) +
                                                        std::chrono::nanoseconds(t.nanos()));
  return std::chrono::duration<double>(std::chrono::system_clock::now() - at).count();
}

}  // namespace

NotificationFeed::NotificationFeed(NotificationHub& hub, const std::string& brokers) : hub_(hub) {
  kafka::ConsumerOptions options;
  options.brokers = brokers;
  options.group_id = "livedrop-gateway-notifications";  // never joined: broadcast
  options.broadcast = true;  // every gateway reads every partition for its own sockets
  options.client_id = "livedrop-gateway";
  options.topics = {topics::kNotifications, topics::kFollowers};
  consumer_ = std::make_unique<kafka::Consumer>(options);
}

NotificationFeed::~NotificationFeed() { Stop(); }

void NotificationFeed::Start() {
  auto& lag = metrics::Registry::Default().GetHistogram(
      "livedrop_ws_notification_lag_seconds",
      "From a notification's source event to its fan-out at this gateway",
      metrics::DefaultLatencyBuckets());
  auto& unknown = metrics::Registry::Default().GetCounter(
      "livedrop_ws_feed_unknown_events_total",
      "Events on the notification feed's topics of a type this gateway does not handle");
  consumer_->Start([this, &lag, &unknown](const kafka::Message& message) {
    const auto envelope = kafka::ParseEnvelope(message.payload);
    if (envelope.type() == event_types::kNotification) {
      const auto n = kafka::UnpackPayload<notifications::v1::Notification>(envelope);
      lag.Observe(SecondsSince(n.time()));
      hub_.Deliver(frames::FromNotification(n), frames::AudienceOf(n));
    } else if (envelope.type() == event_types::kFollowed) {
      const auto e = kafka::UnpackPayload<followers::v1::Followed>(envelope);
      hub_.Follow(e.follower_id(), e.creator_id());
    } else if (envelope.type() == event_types::kUnfollowed) {
      const auto e = kafka::UnpackPayload<followers::v1::Unfollowed>(envelope);
      hub_.Unfollow(e.follower_id(), e.creator_id());
    } else {
      unknown.Inc();  // a type this gateway does not know yet: nothing to do with it
    }
  });
}

void NotificationFeed::Stop() { consumer_->Stop(); }

bool NotificationFeed::Ready() const { return consumer_->assigned_partitions() > 0; }

}  // namespace livedrop::gateway
