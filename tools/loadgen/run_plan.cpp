#include "run_plan.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <sstream>

#include "livedrop/config/config.h"

namespace livedrop::loadgen {

std::string AttemptPlan::Describe() const {
  switch (kind) {
    case Kind::kEveryBuyerOnce:
      return "every buyer once";
    case Kind::kCount:
      return std::to_string(count) + " attempts";
    case Kind::kDuration:
      return "for " + config::FormatDuration(duration);
  }
  return "";
}

std::optional<AttemptPlan> ParseAttemptPlan(std::string_view text) {
  AttemptPlan plan;
  if (text.empty() || text == "once") return plan;
  long long n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (n <= 0) return std::nullopt;
    plan.kind = AttemptPlan::Kind::kCount;
    plan.count = n;
    return plan;
  }
  const auto d = config::ParseDuration(std::string(text));
  if (!d || d->count() <= 0) return std::nullopt;
  plan.kind = AttemptPlan::Kind::kDuration;
  plan.duration = *d;
  return plan;
}

std::optional<HttpEndpoint> ParseHttpUrl(std::string_view url) {
  if (url.starts_with("http://"))
    url.remove_prefix(7);
  else if (url.find("://") != std::string_view::npos)
    return std::nullopt;  // no TLS here
  HttpEndpoint e;
  const auto slash = url.find('/');
  if (slash != std::string_view::npos) {
    e.path = std::string(url.substr(slash));
    url = url.substr(0, slash);
    while (e.path.size() > 1 && e.path.back() == '/') e.path.pop_back();
    if (e.path == "/") e.path.clear();
  }
  if (url.empty()) return std::nullopt;
  std::string_view host = url;
  if (url.front() == '[') {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = url.substr(1, close - 1);
    url.remove_prefix(close + 1);
    if (!url.empty() && url.front() != ':') return std::nullopt;
  } else {
    const auto colon = url.rfind(':');
    host = url.substr(0, colon);
    url = colon == std::string_view::npos ? std::string_view() : url.substr(colon);
  }
  if (host.empty()) return std::nullopt;
  e.host = std::string(host);
  if (!url.empty()) {
    url.remove_prefix(1);
    int port = 0;
    const auto [end, ec] = std::from_chars(url.data(), url.data() + url.size(), port);
    if (ec != std::errc() || end != url.data() + url.size() || port <= 0 || port > 65535) {
      return std::nullopt;
    }
    e.port = port;
  }
  return e;
}

std::optional<double> SumPrometheusSamples(std::string_view text, std::string_view metric) {
  std::optional<double> sum;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || !line.starts_with(metric)) continue;
    std::string_view rest = std::string_view(line).substr(metric.size());
    if (rest.empty()) continue;
    if (rest.front() == '{') {
      const auto close = rest.rfind('}');
      if (close == std::string_view::npos) continue;
      rest.remove_prefix(close + 1);
    } else if (rest.front() != ' ' && rest.front() != '\t') {
      continue;  // another metric whose name starts with this one
    }
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front()))) {
      rest.remove_prefix(1);
    }
    const std::string value(rest.substr(0, rest.find(' ')));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str()) continue;
    sum = sum.value_or(0) + v;
  }
  return sum;
}

std::optional<double> ParseShare(std::string_view text) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= 0 && v <= 1)) return std::nullopt;
  return v;
}

bool IsRunId(std::string_view text) {
  return text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") == std::string_view::npos;
}

}  // namespace livedrop::loadgen
