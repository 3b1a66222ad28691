#pragma once

// Offset lag of a consumer from librdkafka's statistics (statistics.interval.ms): how many
// messages its assigned partitions hold that it has not handled yet. Not installed.

#include <map>
#include <string>
#include <string_view>

namespace livedrop::kafka::internal {

// Per topic, the summed lag of the partitions the statistics report as assigned to this
// consumer, each from the offset it last stored (handled) to the partition's end. A
// partition whose lag is not known yet (-1) adds nothing; a topic with none is absent.
// Malformed statistics give an empty map.
std::map<std::string, long long> LagByTopic(std::string_view stats_json);

}  // namespace livedrop::kafka::internal
