#include "chaos_logic.h"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <sstream>

#include "order_outcome.h"

namespace livedrop::loadgen {

namespace {

constexpr std::array<std::string_view, 8> kServices = {
    "auth", "followers", "drops", "inventory", "orders", "payment", "notifications", "gateway"};

}  // namespace

bool IsKillTarget(std::string_view name) {
  if (name.size() > 2 && name.substr(name.size() - 2) == "-2") name.remove_suffix(2);
  for (const auto s : kServices) {
    if (name == s) return true;
  }
  return false;
}

std::vector<ProcessEntry> ParseKillTargets(std::string_view pids_text) {
  std::vector<ProcessEntry> out;
  std::istringstream in{std::string(pids_text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name, pid_text, extra;
    if (!(fields >> name >> pid_text) || (fields >> extra)) continue;
    long long pid = 0;
    const auto [end, ec] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
    if (ec != std::errc() || end != pid_text.data() + pid_text.size() || pid <= 0) continue;
    if (IsKillTarget(name)) out.push_back({name, pid});
  }
  return out;
}

OrderStep ClassifyForRetry(int status) {
  if (status == 0 || status == 202 || status == 408 || status == 429 || status >= 500) {
    return OrderStep::kRetry;
  }
  return OrderStep::kFinal;
}

std::chrono::milliseconds RetryDelay(std::string_view retry_after, int retry,
                                     std::chrono::milliseconds cap, std::mt19937_64& rng) {
  long long seconds = -1;
  if (!retry_after.empty()) {
    long long v = 0;
    const auto [end, ec] =
        std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), v);
    if (ec == std::errc() && end == retry_after.data() + retry_after.size() && v >= 0) seconds = v;
  }
  if (seconds >= 0) {
    return std::min(std::chrono::milliseconds(seconds * 1000), cap);
  }
  long long ms = 100;
  for (int i = 1; i < retry && ms < cap.count(); ++i) ms *= 2;
  ms = std::min<long long>(ms, cap.count());
  std::uniform_int_distribution<long long> jitter(0, ms / 2);
  return std::chrono::milliseconds(ms - jitter(rng));
}

AnswerDigest DigestOrderAnswer(int status, std::string_view body) {
  AnswerDigest d;
  d.status = status;
  if (status == 201 || status == 202) {
    d.order_id = ParseOrder(body).id;
    return d;
  }
  d.code = ProblemCode(body);
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* id = v.as_object().if_contains("order_id"); id && id->is_string()) {
      d.order_id = std::string(id->as_string());
    }
  }
  return d;
}

std::string ReplayMismatch(const AnswerDigest& first, const AnswerDigest& replay) {
  if (first.status != replay.status) {
    return "status " + std::to_string(first.status) + " then " + std::to_string(replay.status);
  }
  if (first.order_id != replay.order_id) {
    return "order " + (first.order_id.empty() ? "-" : first.order_id) + " then " +
           (replay.order_id.empty() ? "-" : replay.order_id);
  }
  if (first.code != replay.code) return "code " + first.code + " then " + replay.code;
  return "";
}

}  // namespace livedrop::loadgen
