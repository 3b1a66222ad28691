#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "drops_options.h"
#include "livedrop/core/time.h"

namespace livedrop::drops {

// What one pass of the scheduler did (DropsApp::StartAndEndDue), and when it is due again.
struct SchedulerPass {
  int started = 0;
  int ended = 0;
  std::optional<TimePoint> next_due;  // the next start or end; nothing pending: none
};

// Runs the pass that starts drops at their start time and ends them at their end time, on a
// thread of its own. Sleeps until the next due instant (never longer than `max_sleep`, so
// drops created by another instance are seen quickly: SleepBeforeNextPass) and is woken at
// once when this instance schedules a drop. After a pass that throws it waits `retry`.
//
// Not a libs/core Periodic: Periodic sleeps a fixed interval, and this loop's sleep is
// computed by each pass (next due instant, capped at max_sleep), which is what keeps start
// lateness under a millisecond rather than up to max_sleep.
class DropsScheduler {
 public:
  using Pass = std::function<SchedulerPass()>;

  // The defaults are the service's (DropsOptions), written once there.
  explicit DropsScheduler(std::chrono::milliseconds max_sleep = DropsOptions{}.scheduler_max_sleep,
                          std::chrono::milliseconds retry = DropsOptions{}.scheduler_retry);
  ~DropsScheduler();  // Stop()

  void Start(Pass pass);
  // Waits for a running pass to finish; idempotent.
  void Stop();
  // Runs the next pass at once (a drop was just scheduled here).
  void Wake();

  std::uint64_t started() const { return started_.load(); }
  std::uint64_t ended() const { return ended_.load(); }
  std::uint64_t passes() const { return passes_.load(); }

 private:
  void Run();

  const std::chrono::milliseconds max_sleep_;
  const std::chrono::milliseconds retry_;
  Pass pass_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> started_{0}, ended_{0}, passes_{0};
};

}  // namespace livedrop::drops
