#include "notifications_options.h"

#include "livedrop/config/config.h"

namespace livedrop::notifications {

void NotificationsOptions::Declare(config::Spec&) {}

NotificationsOptions NotificationsOptions::From(const config::Config& cfg) {
  NotificationsOptions o;
  o.kafka_brokers = cfg.GetString("kafka-brokers");
  return o;
}

}  // namespace livedrop::notifications
