#include "drops_scheduler.h"

#include <spdlog/spdlog.h>

#include "drops_logic.h"

namespace livedrop::drops {

DropsScheduler::DropsScheduler(std::chrono::milliseconds max_sleep, std::chrono::milliseconds retry)
    : max_sleep_(max_sleep), retry_(retry) {}

DropsScheduler::~DropsScheduler() { Stop(); }

void DropsScheduler::Start(Pass pass) {
  pass_ = std::move(pass);
  thread_ = std::thread([this] { Run(); });
}

void DropsScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DropsScheduler::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void DropsScheduler::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    std::chrono::steady_clock::time_point wake_at;
    try {
      const auto pass = pass_();
      started_ += static_cast<std::uint64_t>(pass.started);
      ended_ += static_cast<std::uint64_t>(pass.ended);
      wake_at =
          std::chrono::steady_clock::now() + SleepBeforeNextPass(pass.next_due, Now(), max_sleep_);
    } catch (const std::exception& e) {
      spdlog::warn("drop scheduler pass failed: {}", e.what());
      wake_at = std::chrono::steady_clock::now() + retry_;
    }
    passes_++;
    lock.lock();
    if (!woken_ && !stop_) wake_.wait_until(lock, wake_at, [&] { return woken_ || stop_; });
    woken_ = false;
  }
}

}  // namespace livedrop::drops
