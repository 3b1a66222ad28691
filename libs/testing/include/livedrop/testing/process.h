#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace livedrop::testing {

// The path of a built binary: $LIVEDROP_BIN_DIR/<name> (ctest sets LIVEDROP_BIN_DIR).
std::string BinPath(const std::string& name);

// A port nothing listens on right now (bound to 127.0.0.1:0 and released).
int FreePort();

bool WaitForTcp(int port, std::chrono::milliseconds timeout);
// The status of one GET http://127.0.0.1:<port><path>, or 0 if nothing answered.
int HttpGetStatus(int port, const std::string& path);
// Polls GET http://127.0.0.1:<port><path> until it answers 200.
bool WaitForHttpOk(int port, const std::string& path, std::chrono::milliseconds timeout);

// A child process with its output in a log file. It dies with the test process
// (PR_SET_PDEATHSIG) and is stopped (SIGTERM, then SIGKILL) when this object goes.
class Process {
 public:
  Process(const std::string& binary, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& extra_env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool Running();
  // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code (-signal if killed).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  void Kill();  // SIGKILL at once: a crash
  pid_t pid() const { return pid_; }
  const std::string& LogPath() const { return log_path_; }
  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = 0;
  bool exited_ = false;
  std::string log_path_;
};

}  // namespace livedrop::testing
