#include "rdkafka_util.h"

#include <spdlog/spdlog.h>

#include "livedrop/core/error.h"
#include "livedrop/kafka/security.h"

namespace livedrop::kafka::internal {
namespace {

void LogToSpdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  // syslog levels: 0 emerg .. 7 debug.
  spdlog::level::level_enum spd_level = spdlog::level::debug;
  if (level <= 3) {
    spd_level = spdlog::level::err;
  } else if (level == 4) {
    spd_level = spdlog::level::warn;
  } else if (level <= 6) {
    spd_level = spdlog::level::info;
  }
  spdlog::log(spd_level, "rdkafka {} {}: {}", rd_kafka_name(rk), facility, message);
}

}  // namespace

void SetOrThrow(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    throw Error(ErrorKind::kInvalidArgument, "kafka_config_invalid",
                "kafka setting " + key + ": " + err);
  }
}

ConfPtr MakeConf(const std::map<std::string, std::string>& settings) {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &LogToSpdlog);
  // How the process reaches the brokers (security.h), then the client's own settings.
  for (const auto& [key, value] : ProcessSecuritySettings()) SetOrThrow(conf.get(), key, value);
  for (const auto& [key, value] : settings) SetOrThrow(conf.get(), key, value);
  return conf;
}

rd_kafka_t* NewClient(rd_kafka_type_t type, ConfPtr conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof(err));
  if (rk == nullptr) {
    throw Error(ErrorKind::kInvalidArgument, "kafka_config_invalid",
                std::string("cannot create kafka client: ") + err);
  }
  conf.release();  // rd_kafka_new took ownership
  return rk;
}

bool IsPermanentMessageError(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:     // larger than message.max.bytes or the broker's
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:  // limit
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:  // an invalid topic name
    case RD_KAFKA_RESP_ERR__BAD_MSG:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

}  // namespace livedrop::kafka::internal
