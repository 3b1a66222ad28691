#pragma once

// Internal helpers shared by the producer, consumer and mock cluster. Not installed.

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

namespace livedrop::kafka::internal {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// A configuration with librdkafka's logs routed to spdlog and `settings` applied in order.
// Throws Error(kInvalidArgument, "kafka_config_invalid") naming the bad key.
ConfPtr MakeConf(const std::map<std::string, std::string>& settings);

void SetOrThrow(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

// Takes ownership of `conf` on success; throws Error(kInvalidArgument, ...) otherwise.
rd_kafka_t* NewClient(rd_kafka_type_t type, ConfPtr conf);

// Whether Kafka will never take this message as it is, however often it is sent: it is too
// large or malformed. Errors of the cluster or the configuration (brokers down, timeouts,
// unknown topic, authorization) are not: they pass or are fixed without touching the message.
bool IsPermanentMessageError(rd_kafka_resp_err_t err);

}  // namespace livedrop::kafka::internal
