#include "ws/notification_feed.h"

#include <array>

#include "livedrop/followers/v1/followers.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"
#include "ws/frames.h"
#include "ws/notification_hub.h"

namespace livedrop::gateway {
namespace {

// The label values of livedrop_ws_notification_lag_seconds: a notification's type is its source
// event's (event_types), and anything else is counted as the last, "other".
constexpr std::array<const char*, 8> kLagLabels = {
    event_types::kDropStarted,    event_types::kDropEnded,
    event_types::kSoldOut,        event_types::kLowStock,
    event_types::kOrderConfirmed, event_types::kOrderFailed,
    event_types::kOrderRefunded,  "other"};

std::size_t LagLabelIndex(const std::string& type) {
  for (std::size_t i = 0; i + 1 < kLagLabels.size(); ++i) {
    if (type == kLagLabels[i]) return i;
  }
  return kLagLabels.size() - 1;
}

}  // namespace

const char* NotificationLagLabel(const std::string& type) {
  return kLagLabels[LagLabelIndex(type)];
}

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
  // One histogram per label value, looked up here once.
  std::array<metrics::Histogram*, kLagLabels.size()> lag{};
  for (std::size_t i = 0; i < kLagLabels.size(); ++i) {
    lag[i] = &metrics::Registry::Default().GetHistogram(
        "livedrop_ws_notification_lag_seconds",
        "From a notification's time (its source event) to its arrival at this gateway's feed, "
        "just before the hub fans it out, by notification type (other: a type not listed)",
        metrics::DefaultLatencyBuckets(), {{"type", kLagLabels[i]}});
  }
  auto& unknown = metrics::Registry::Default().GetCounter(
      "livedrop_ws_feed_unknown_events_total",
      "Events on the notification feed's topics of a type this gateway does not handle");
  consumer_->Start([this, lag, &unknown](const kafka::Message& message) {
    const auto envelope = kafka::ParseEnvelope(message.payload);
    if (envelope.type() == event_types::kNotification) {
      const auto n = kafka::UnpackPayload<notifications::v1::Notification>(envelope);
      lag[LagLabelIndex(n.type())]->Observe(rpc::SecondsSince(n.time()));
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
