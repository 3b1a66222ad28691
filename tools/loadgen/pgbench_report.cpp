#include "pgbench_report.h"

#include <cstdlib>
#include <regex>
#include <sstream>

namespace livedrop::loadgen {

namespace {

std::optional<double> Number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return std::nullopt;
  return v;
}

}  // namespace

PgbenchReport ParsePgbenchOutput(std::string_view output) {
  PgbenchReport report;
  static const std::regex kTps(R"(^tps = ([0-9.]+)(.*)$)");
  static const std::regex kProcessed(R"(^number of transactions actually processed: (\d+))");
  static const std::regex kFailed(R"(^number of failed transactions: (\d+))");
  static const std::regex kLatency(R"(^latency average = ([0-9.]+) ms)");
  std::istringstream lines{std::string(output)};
  std::string line;
  bool tps_is_net = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch m;
    if (std::regex_search(line, m, kTps)) {
      const bool net = m[2].str().find("without initial connection") != std::string::npos ||
                       m[2].str().find("excluding") != std::string::npos;
      if (!report.tps || (net && !tps_is_net)) {
        report.tps = Number(m[1].str());
        tps_is_net = net;
      }
    } else if (std::regex_search(line, m, kProcessed)) {
      report.transactions = std::stoll(m[1].str());
    } else if (std::regex_search(line, m, kFailed)) {
      report.failed = std::stoll(m[1].str());
    } else if (std::regex_search(line, m, kLatency)) {
      report.latency_avg_ms = Number(m[1].str());
    }
  }
  return report;
}

std::string WithDatabase(const std::string& pg_url, const std::string& database) {
  const auto scheme = pg_url.find("://");
  if (scheme == std::string::npos) {
    // conninfo: key=value pairs separated by spaces.
    static const std::regex kDbname(R"((^|\s)dbname\s*=\s*('[^']*'|\S+))");
    if (std::regex_search(pg_url, kDbname)) {
      return std::regex_replace(pg_url, kDbname, "$1dbname=" + database);
    }
    return pg_url + (pg_url.empty() ? "" : " ") + "dbname=" + database;
  }
  const auto authority = scheme + 3;
  const auto query = pg_url.find('?', authority);
  const auto path = pg_url.find('/', authority);
  const auto host_end = path != std::string::npos && (query == std::string::npos || path < query)
                            ? path
                            : (query == std::string::npos ? pg_url.size() : query);
  const std::string tail = query == std::string::npos ? "" : pg_url.substr(query);
  return pg_url.substr(0, host_end) + "/" + database + tail;
}

}  // namespace livedrop::loadgen
