#include "ws/notification_feed.h"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

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

constexpr std::array<const char*, 7> kNotificationTypes = {
    "drop_started",    "drop_ended",   "sold_out",      "low_stock",
    "order_confirmed", "order_failed", "order_refunded"};
constexpr const char* kOtherType = "other";

}  // namespace

const char* NotificationLagLabel(const std::string& type) {
  for (const char* known : kNotificationTypes) {
    if (type == known) return known;
  }
  return kOtherType;
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
  // One histogram per label value, looked up here once: the handler only compares strings.
  std::vector<std::pair<const char*, metrics::Histogram*>> lag_by_type;
  for (const char* type : kNotificationTypes) lag_by_type.emplace_back(type, nullptr);
  lag_by_type.emplace_back(kOtherType, nullptr);
  for (auto& [type, histogram] : lag_by_type) {
    histogram = &metrics::Registry::Default().GetHistogram(
        "livedrop_ws_notification_lag_seconds",
        "From a notification's time (its source event) to its arrival at this gateway's feed, "
        "just before the hub fans it out, by notification type (other: a type not listed)",
        metrics::DefaultLatencyBuckets(), {{"type", type}});
  }
  auto& unknown = metrics::Registry::Default().GetCounter(
      "livedrop_ws_feed_unknown_events_total",
      "Events on the notification feed's topics of a type this gateway does not handle");
  consumer_->Start([this, lag_by_type = std::move(lag_by_type),
                    &unknown](const kafka::Message& message) {
    const auto envelope = kafka::ParseEnvelope(message.payload);
    if (envelope.type() == event_types::kNotification) {
      const auto n = kafka::UnpackPayload<notifications::v1::Notification>(envelope);
      const char* label = NotificationLagLabel(n.type());
      for (const auto& [type, histogram] : lag_by_type) {
        if (type == label) {  // the same pointer: NotificationLagLabel returns the list's own
          histogram->Observe(rpc::SecondsSince(n.time()));
          break;
        }
      }
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
