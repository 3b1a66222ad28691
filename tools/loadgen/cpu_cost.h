#pragma once

#include <boost/json/fwd.hpp>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace livedrop::loadgen {

// What this machine's processors did, as /proc counts it: the benchmarks run beside the platform
// on the same machine, so the machine's CPU time over a window, divided by what the window
// achieved, is what one order (or one pgbench transaction) costs, the load generator included.
struct CpuCounters {
  double busy_seconds = 0;  // every CPU's user + nice + system + irq + softirq + steal
  double idle_seconds = 0;  // every CPU's idle + iowait
  int cpus = 0;
  // Each process alive at the reading, by pid: its group (CpuGroup), when it started (clock
  // ticks after boot) and its CPU time (user + system, every thread). Kept by pid and start
  // because a name may change (a kernel worker's does with its work) and a pid may be reused.
  struct Process {
    std::string group;
    double seconds = 0;
    long long started = 0;
  };
  std::map<int, Process> processes;
};

// The same over a window, the processes summed by group. A process that ends inside the window
// takes its time with it: the machine's busy time still counts it, the groups do not.
struct CpuUse {
  double busy_seconds = 0, idle_seconds = 0;
  int cpus = 0;
  std::map<std::string, double> by_group;
};

// One line of /proc/<pid>/stat: the command name, the process's user + system clock ticks and
// its start time (clock ticks after boot). The name is between the first '(' and the last ')'
// (it may hold either); nullopt when the line is not of that shape.
struct ProcStat {
  std::string comm;
  long long ticks = 0;
  long long started = 0;
};
std::optional<ProcStat> ParseProcStat(std::string_view line);

// The aggregate "cpu" line of /proc/stat, in clock ticks; nullopt when the line is not one.
struct CpuTicks {
  long long busy = 0, idle = 0;
};
std::optional<CpuTicks> ParseCpuLine(std::string_view line);

// Which group a process's time is reported under: the program's name, from its command line's
// first word (the kernel's comm is cut at 15 characters: "livedrop-notifi"). PostgreSQL names
// each backend "postgres: user db host state", so every one of them is "postgres"; a process
// with no command line is one of the kernel's threads ("kworker/0:2-events"), all of them
// "kernel threads".
std::string CpuGroup(std::string_view comm, std::string_view argv0);

// after − before, summed by group: a process first seen after `before` (or a pid reused since:
// another start time) counts from 0, a process gone counts nothing.
CpuUse CpuDelta(const CpuCounters& before, const CpuCounters& after);

// Prints "machine CPU per <unit>" over a window: the machine's busy share of its CPUs, the
// milliseconds of CPU per unit, and the groups that used most (at least `min_share` of the busy
// time each); "rest" is the busy time of no group shown, processes that ended inside the window
// included. Returns the same as JSON.
boost::json::object ReportCpuCost(const CpuUse& delta, double seconds, long long units,
                                  std::string_view unit, std::ostream& out,
                                  double min_share = 0.02);

// Reads /proc. Empty counters (cpus 0) where /proc is not readable.
CpuCounters ReadCpuCounters();

}  // namespace livedrop::loadgen
