// The parsing, arithmetic and report of cpu_cost.h; reading /proc is in cpu_cost.cpp.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <iomanip>
#include <ostream>
#include <vector>

#include "cpu_cost.h"
#include "report.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;

// The whitespace-separated fields of `s`.
std::vector<std::string_view> Fields(std::string_view s) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\n') ++i;
    if (i > start) fields.push_back(s.substr(start, i - start));
    if (i < s.size() && s[i] == '\n') break;
  }
  return fields;
}

std::optional<long long> Number(std::string_view s) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view line) {
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return std::nullopt;
  }
  // After the name: state (field 3), then ppid ...: utime is field 14, stime 15, starttime 22.
  const auto rest = Fields(line.substr(close + 1));
  constexpr std::size_t kUtime = 14 - 3, kStime = 15 - 3, kStart = 22 - 3;
  if (rest.size() <= kStart) return std::nullopt;
  const auto utime = Number(rest[kUtime]);
  const auto stime = Number(rest[kStime]);
  const auto started = Number(rest[kStart]);
  if (!utime || !stime || !started) return std::nullopt;
  return ProcStat{std::string(line.substr(open + 1, close - open - 1)), *utime + *stime, *started};
}

std::optional<CpuTicks> ParseCpuLine(std::string_view line) {
  const auto f = Fields(line);
  // cpu user nice system idle iowait irq softirq steal [guest guest_nice: inside user already]
  if (f.size() < 9 || f[0] != "cpu") return std::nullopt;
  long long v[8];
  for (std::size_t i = 0; i < 8; ++i) {
    const auto n = Number(f[i + 1]);
    if (!n) return std::nullopt;
    v[i] = *n;
  }
  return CpuTicks{v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4]};
}

std::string CpuGroup(std::string_view comm, std::string_view argv0) {
  if (comm == "postgres" || argv0.substr(0, 9) == "postgres:") return "postgres";
  if (argv0.empty()) return "kernel threads";
  argv0 = argv0.substr(0, argv0.find(' '));
  if (const auto slash = argv0.rfind('/'); slash != std::string_view::npos) {
    argv0 = argv0.substr(slash + 1);
  }
  return std::string(argv0);
}

CpuUse CpuDelta(const CpuCounters& before, const CpuCounters& after) {
  CpuUse d;
  d.busy_seconds = after.busy_seconds - before.busy_seconds;
  d.idle_seconds = after.idle_seconds - before.idle_seconds;
  d.cpus = after.cpus;
  for (const auto& [pid, p] : after.processes) {
    const auto it = before.processes.find(pid);
    const bool same = it != before.processes.end() && it->second.started == p.started;
    const double grew = p.seconds - (same ? it->second.seconds : 0.0);
    if (grew > 0) d.by_group[p.group] += grew;
  }
  return d;
}

json::object ReportCpuCost(const CpuUse& delta, double seconds, long long units,
                           std::string_view unit, std::ostream& out, double min_share) {
  const double per_ms = units > 0 ? 1000.0 / static_cast<double>(units) : 0.0;
  const double capacity = seconds * delta.cpus;
  const double busy_share = capacity > 0 ? delta.busy_seconds / capacity : 0.0;
  out << "machine CPU over " << Fixed(seconds, 2) << " s (" << delta.cpus << " CPUs, "
      << Fixed(busy_share * 100, 0) << "% busy): " << Fixed(delta.busy_seconds * per_ms, 2)
      << " ms per " << unit;
  std::vector<std::pair<std::string, double>> groups(delta.by_group.begin(), delta.by_group.end());
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  json::object by_group;
  double shown = 0;
  const char* sep = ": ";
  for (const auto& [group, s] : groups) {
    if (delta.busy_seconds <= 0 || s < min_share * delta.busy_seconds) break;
    out << sep << group << " " << Fixed(s * per_ms, 2);
    sep = ", ";
    shown += s;
    by_group[group] = s * per_ms;
  }
  const double other = std::max(0.0, delta.busy_seconds - shown);
  out << sep << "rest " << Fixed(other * per_ms, 2) << "\n";
  by_group["rest"] = other * per_ms;
  return json::object{{"seconds", seconds},
                      {"cpus", delta.cpus},
                      {"busy_share", busy_share},
                      {"units", units},
                      {"unit", unit},
                      {"busy_ms_per_unit", delta.busy_seconds * per_ms},
                      {"ms_per_unit_by_group", by_group}};
}

}  // namespace livedrop::loadgen
