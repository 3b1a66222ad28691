#include "cpu_cost.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace livedrop::loadgen {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The command line's first word (arguments are NUL-separated; PostgreSQL rewrites its backends'
// as one space-separated title).
std::string FirstWord(const std::filesystem::path& cmdline) {
  std::string s = ReadAll(cmdline);
  return s.substr(0, s.find('\0'));
}

}  // namespace

CpuCounters ReadCpuCounters() {
  CpuCounters c;
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::istringstream stat(ReadAll("/proc/stat"));
  std::string line;
  if (!std::getline(stat, line)) return c;
  const auto total = ParseCpuLine(line);
  if (!total) return c;
  c.busy_seconds = static_cast<double>(total->busy) * tick;
  c.idle_seconds = static_cast<double>(total->idle) * tick;
  while (std::getline(stat, line) && line.rfind("cpu", 0) == 0) ++c.cpus;  // cpu0, cpu1, ...
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto p = ParseProcStat(ReadAll(entry.path() / "stat"));
    if (!p) continue;  // ended between the listing and the read
    c.processes[std::stoi(name)] = {CpuGroup(p->comm, FirstWord(entry.path() / "cmdline")),
                                    static_cast<double>(p->ticks) * tick, p->started};
  }
  return c;
}

}  // namespace livedrop::loadgen
