#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace livedrop::kafka::internal {

// Sleeps for `d` unless `stop` is requested first; returns false when stopped.
inline bool SleepUnlessStopped(std::chrono::milliseconds d, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

}  // namespace livedrop::kafka::internal
