#pragma once

#include <string>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::notifications {

// Every setting of livedrop-notifications beyond ServiceMain's common ones (none of its own
// yet: the member initializers would be the flags' defaults).
struct NotificationsOptions {
  // Where the platform's events are consumed from (ServiceMain's --kafka-brokers).
  std::string kafka_brokers;

  static void Declare(config::Spec& spec);
  static NotificationsOptions From(const config::Config& cfg);
};

}  // namespace livedrop::notifications
