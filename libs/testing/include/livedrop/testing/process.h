#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace livedrop::testing {

// The path of a built binary: $LIVEDROP_BIN_DIR/<name> (ctest sets LIVEDROP_BIN_DIR); run by
// hand, <build>/bin/<name> next to the <build>/tests directory of the running test.
std::string BinPath(const std::string& name);

// A port for a test server: free now, below the kernel's ephemeral range (so no outgoing
// connection takes it) and claimed for the life of this process (so no other test process
// picks it).
int FreePort();

bool WaitForTcp(int port, std::chrono::milliseconds timeout);
// The status of one GET http://127.0.0.1:<port><path>, or 0 if nothing answered.
int HttpGetStatus(int port, const std::string& path);
// Polls GET http://127.0.0.1:<port><path> until it answers 200.
bool WaitForHttpOk(int port, const std::string& path, std::chrono::milliseconds timeout);

// A child process with stdout and stderr appended to a log file in its own temporary
// directory, removed with this object (set LIVEDROP_KEEP_TEST_LOGS=1 to keep it). The child
// dies with the test process (PR_SET_PDEATHSIG, armed from a thread that lives as long as the
// process, so a child started from a short-lived test thread is not killed when it ends) and
// is stopped (SIGTERM, then SIGKILL) when this object goes.
class Process {
 public:
  // `run_as_user`: when running as root, the child drops to that user (e.g. "postgres").
  Process(const std::string& binary, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& extra_env = {},
          const std::string& run_as_user = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool Running();
  // Sends `signal`, waits up to `grace`, then SIGKILL. Returns the exit code (-signal if
  // killed by one).
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10), int signal = SIGTERM);
  void Kill();  // SIGKILL at once: a crash
  // The exit code (-signal if killed by one), or nullopt while the child runs.
  std::optional<int> ExitCode();
  pid_t pid() const { return pid_; }
  const std::string& LogPath() const { return log_path_; }
  std::string ReadLog() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = 0;
  bool exited_ = false;
  std::string dir_;
  std::string log_path_;
};

}  // namespace livedrop::testing
