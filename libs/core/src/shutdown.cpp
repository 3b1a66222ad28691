#include "livedrop/core/shutdown.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

namespace livedrop {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  const sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer closing a socket must surface as an error on the write, not kill the process.
  signal(SIGPIPE, SIG_IGN);
}

int WaitForShutdownSignal() {
  const sigset_t set = ShutdownSet();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

std::optional<int> WaitUntilOrShutdownSignal(const std::function<bool()>& done,
                                             std::chrono::milliseconds poll) {
  const sigset_t set = ShutdownSet();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(poll);
  const timespec wait{static_cast<time_t>(seconds.count()),
                      static_cast<long>(std::chrono::nanoseconds(poll - seconds).count())};
  while (!done()) {
    if (const int sig = sigtimedwait(&set, nullptr, &wait); sig > 0) return sig;
  }
  return std::nullopt;
}

}  // namespace livedrop
