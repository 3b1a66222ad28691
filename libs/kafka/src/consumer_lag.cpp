#include "consumer_lag.h"

#include <boost/json.hpp>

namespace livedrop::kafka::internal {

namespace json = boost::json;

std::map<std::string, long long> LagByTopic(std::string_view stats_json) {
  std::map<std::string, long long> lag;
  json::error_code ec;
  const auto stats = json::parse(stats_json, ec);
  if (ec || !stats.is_object()) return lag;
  const auto* topics = stats.as_object().if_contains("topics");
  if (topics == nullptr || !topics->is_object()) return lag;
  for (const auto& [name, topic] : topics->as_object()) {
    const auto* partitions = topic.is_object() ? topic.as_object().if_contains("partitions") : nullptr;
    if (partitions == nullptr || !partitions->is_object()) continue;
    for (const auto& [id, partition] : partitions->as_object()) {
      if (id == "-1" || !partition.is_object()) continue;  // librdkafka's unassigned bucket
      const auto& p = partition.as_object();
      if (const auto* desired = p.if_contains("desired"); desired && desired->is_bool() &&
                                                         !desired->as_bool()) {
        continue;  // known from metadata, not assigned here
      }
      // consumer_lag_stored: from the offset stored after handling (what a restart resumes
      // from), fresher than the committed one.
      const auto* value = p.if_contains("consumer_lag_stored");
      if (value == nullptr) value = p.if_contains("consumer_lag");
      if (value == nullptr || !value->is_int64() || value->as_int64() < 0) continue;
      lag[std::string(name)] += value->as_int64();
    }
  }
  return lag;
}

}  // namespace livedrop::kafka::internal
