#include "livedrop/core/periodic.h"

#include <spdlog/spdlog.h>

namespace livedrop {

Periodic::Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> pass)
    : name_(std::move(name)), interval_(interval), pass_(std::move(pass)) {}

Periodic::~Periodic() { Stop(); }

void Periodic::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      woken_ = false;
      lock.unlock();
      try {
        pass_();
      } catch (const std::exception& e) {
        spdlog::warn("{} failed: {}", name_, e.what());
      }
      lock.lock();
      wake_.wait_for(lock, interval_, [&] { return stop_ || woken_; });
    }
  });
}

void Periodic::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void Periodic::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace livedrop
