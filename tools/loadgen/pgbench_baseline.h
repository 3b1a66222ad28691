#pragma once

#include <chrono>
#include <string>

#include "cpu_cost.h"
#include "pgbench_report.h"

namespace livedrop::loadgen {

struct BaselineResult {
  bool ok = false;
  std::string error;  // why there is no tps
  std::string command;
  PgbenchReport report;
  // The machine's CPU while pgbench ran (pgbench and its backends end inside the window: their
  // time is in the machine's busy time, in no group).
  CpuUse cpu;
  double cpu_seconds = 0;
};

// Runs pgbench at `clients` connections for `duration` with the naive order transaction
// (kBaselineScript) in the scratch database `livedrop_bench` on the server of pg_url, created
// if missing, its tables made fresh.
BaselineResult RunPgbenchBaseline(const std::string& pg_url, int clients,
                                  std::chrono::seconds duration, const std::string& pgbench);

// pgbench on PATH, else Debian's versioned install; empty when neither exists.
std::string FindPgbench();

}  // namespace livedrop::loadgen
