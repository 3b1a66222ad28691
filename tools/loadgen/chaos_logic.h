#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace livedrop::loadgen {

// One line of `up`'s <state dir>/run/pids: "<name> <pid>".
struct ProcessEntry {
  std::string name;
  long long pid = 0;
};

// True for a Live Drops service or gateway instance `up` restarts when it dies: auth,
// followers, drops, inventory, orders, payment, notifications, gateway, each optionally with
// "-2" (the second replica). Infrastructure (postgres, redis, kafka-broker, haproxy, s3rver,
// cdn) and the log capturers (logcap:<name>) are not targets.
bool IsKillTarget(std::string_view name);

// The kill targets listed in a pids file's text, in file order; malformed lines and
// non-positive pids are skipped.
std::vector<ProcessEntry> ParseKillTargets(std::string_view pids_text);

// What the chaos storm does with one answer to POST /v1/orders.
enum class OrderStep {
  kFinal,  // a final answer: 201, 402, 409 and any other 4xx but 408 and 429
  kRetry,  // no answer, 5xx, 408, 429 and 202 (written, still pending): send it again
};
OrderStep ClassifyForRetry(int status);

// How long to wait before retry number `retry` (1 for the first): the Retry-After header in
// seconds when it is a whole number (capped at `cap`), else 100 ms doubling per retry up to
// `cap`, with up to 50% jitter from `rng` taken off.
std::chrono::milliseconds RetryDelay(std::string_view retry_after, int retry,
                                     std::chrono::milliseconds cap, std::mt19937_64& rng);

// A final answer and its replay agree: same status and, for a 201 or 202 the same order id,
// for a problem the same code (and its order_id when it carries one). Returns why not, or "".
struct AnswerDigest {
  int status = 0;
  std::string order_id;  // of a 201/202, or the problem's order_id
  std::string code;      // problem code ("" for a 201)
};
AnswerDigest DigestOrderAnswer(int status, std::string_view body);
std::string ReplayMismatch(const AnswerDigest& first, const AnswerDigest& replay);

}  // namespace livedrop::loadgen
