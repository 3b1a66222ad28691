#pragma once

#include <memory>
#include <string>

namespace livedrop::kafka {
class Consumer;
}

namespace livedrop::gateway {

class NotificationHub;

// The `type` label of livedrop_ws_notification_lag_seconds: the notification's type if it is one
// of the known ones (drop_started, drop_ended, sold_out, low_stock, order_confirmed,
// order_failed, order_refunded), else "other" — so the label's values stay a fixed few.
const char* NotificationLagLabel(const std::string& type);

// Feeds the hub from Kafka: every notification (topic livedrop.notifications) and every follow
// change (livedrop.followers, so a follow or unfollow takes effect on open connections). Each
// gateway instance reads every partition — a consumer group of its own, starting at the newest
// offset: a gateway delivers live what happens while it runs; what a client missed while not
// connected comes from the inbox (last_event_id).
class NotificationFeed {
 public:
  NotificationFeed(NotificationHub& hub, const std::string& brokers);
  ~NotificationFeed();

  void Start();
  void Stop();
  // The group has been joined and partitions assigned: live events reach the hub.
  bool Ready() const;

 private:
  NotificationHub& hub_;
  std::unique_ptr<kafka::Consumer> consumer_;
};

}  // namespace livedrop::gateway
