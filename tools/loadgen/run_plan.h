#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace livedrop::loadgen {

// How many order attempts a storm makes: every buyer once (the default), a fixed number, or
// for a duration.
struct AttemptPlan {
  enum class Kind { kEveryBuyerOnce, kCount, kDuration } kind = Kind::kEveryBuyerOnce;
  long long count = 0;
  std::chrono::milliseconds duration{0};
  std::string Describe() const;
};
// "once" (or empty) | a positive integer | a duration with a unit ("30s", "2m").
std::optional<AttemptPlan> ParseAttemptPlan(std::string_view text);

// host, port and path prefix of an http:// URL ("http://127.0.0.1:8080", "127.0.0.1:9006/metrics").
struct HttpEndpoint {
  std::string host;
  int port = 80;
  std::string path;  // "" or starting with '/'
};
std::optional<HttpEndpoint> ParseHttpUrl(std::string_view url);

// The sum of every sample of one metric in Prometheus text format (all label sets);
// nullopt when the metric has no sample.
std::optional<double> SumPrometheusSamples(std::string_view text, std::string_view metric);

// A --run-id: lower-case letters, digits, '-' and '_' (it becomes part of account emails).
bool IsRunId(std::string_view text);

// A share given as text ("0.1"), checked to lie in [0, 1].
std::optional<double> ParseShare(std::string_view text);

}  // namespace livedrop::loadgen
