#include "pgbench_baseline.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

namespace livedrop::loadgen {

extern "C" char** environ;

namespace {

constexpr const char* kBenchDatabase = "livedrop_bench";

struct ProcessOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved
};

ProcessOutput RunCapturingOutput(const std::vector<std::string>& argv) {
  ProcessOutput out;
  int fds[2];
  if (pipe(fds) != 0) return out;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    out.output = std::string("cannot start ") + argv[0] + ": " + std::strerror(rc);
    return out;
  }
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.output.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

void PrepareDatabase(const std::string& pg_url) {
  {
    pqxx::connection admin(pg_url);
    pqxx::nontransaction tx(admin);
    if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", kBenchDatabase).empty()) {
      try {
        tx.exec(std::string("CREATE DATABASE ") + kBenchDatabase);
      } catch (const pqxx::sql_error& e) {
        // Another run created it between the check and here.
        if (e.sqlstate() != "42P04") throw;
      }
    }
  }
  pqxx::connection bench(WithDatabase(pg_url, kBenchDatabase));
  pqxx::work tx(bench);
  tx.exec(std::string(kBaselineSchema));
  tx.commit();
  pqxx::nontransaction(bench).exec("VACUUM ANALYZE bench_stock");
}

}  // namespace

std::string FindPgbench() {
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    for (std::size_t start = 0; start <= p.size();) {
      const auto end = std::min(p.find(':', start), p.size());
      const auto candidate = std::filesystem::path(p.substr(start, end - start)) / "pgbench";
      if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate.string();
      start = end + 1;
    }
  }
  for (const char* candidate :
       {"/usr/lib/postgresql/15/bin/pgbench", "/usr/lib/postgresql/16/bin/pgbench"}) {
    if (access(candidate, X_OK) == 0) return candidate;
  }
  return "";
}

BaselineResult RunPgbenchBaseline(const std::string& pg_url, int clients,
                                  std::chrono::seconds duration, const std::string& pgbench) {
  BaselineResult result;
  if (pgbench.empty()) {
    result.error = "pgbench not found (install postgresql-client-15 or pass --pgbench)";
    return result;
  }
  try {
    PrepareDatabase(pg_url);
  } catch (const std::exception& e) {
    result.error = std::string("preparing ") + kBenchDatabase + ": " + e.what();
    return result;
  }
  const auto script = std::filesystem::temp_directory_path() /
                      ("livedrop-loadgen-baseline-" + std::to_string(getpid()) + ".sql");
  {
    std::ofstream out(script);
    out << kBaselineScript;
  }
  const int threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, clients);
  const std::vector<std::string> argv = {pgbench,
                                         "-n",
                                         "-M",
                                         "prepared",
                                         "-c",
                                         std::to_string(clients),
                                         "-j",
                                         std::to_string(threads),
                                         "-T",
                                         std::to_string(duration.count()),
                                         "-f",
                                         script.string(),
                                         WithDatabase(pg_url, kBenchDatabase)};
  for (const auto& a : argv) result.command += (result.command.empty() ? "" : " ") + a;
  const auto cpu_before = ReadCpuCounters();
  const auto started = std::chrono::steady_clock::now();
  const auto run = RunCapturingOutput(argv);
  result.cpu_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.cpu = CpuDelta(cpu_before, ReadCpuCounters());
  std::filesystem::remove(script);
  result.report = ParsePgbenchOutput(run.output);
  if (run.exit_code != 0 || !result.report.tps) {
    result.error = "pgbench exited " + std::to_string(run.exit_code) + ": " +
                   run.output.substr(run.output.size() > 2000 ? run.output.size() - 2000 : 0);
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace livedrop::loadgen
