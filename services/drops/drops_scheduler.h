#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <functional>
#include <thread>

namespace livedrop::pg {
class Pool;
}

namespace livedrop::drops {

struct DropRow;

// Starts drops at their start time and ends them at their end time. Sleeps until the next
// due instant (never longer than `max_sleep`, so drops created by another instance are seen
// quickly) and is woken at once when this instance schedules a drop. Safe with several
// instances: each transition is one UPDATE … WHERE status = <from> over SKIP LOCKED rows, so
// it happens exactly once, and its event is written in the same transaction.
class DropsScheduler {
 public:
  // on_change sees every drop the scheduler moved, after the move committed.
  DropsScheduler(pg::Pool& pool, std::function<void(const DropRow&)> on_change,
                 std::chrono::milliseconds max_sleep = std::chrono::milliseconds(50));
  ~DropsScheduler();

  void Start();
  void Stop();
  void Wake();

  std::uint64_t started() const { return started_.load(); }
  std::uint64_t ended() const { return ended_.load(); }

 private:
  void Run();
  // One pass; returns when the next pass is due.
  std::chrono::steady_clock::time_point Pass();

  pg::Pool& pool_;
  std::function<void(const DropRow&)> on_change_;
  std::chrono::milliseconds max_sleep_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
  std::thread thread_;
  std::atomic<std::uint64_t> started_{0}, ended_{0};
};

}  // namespace livedrop::drops
