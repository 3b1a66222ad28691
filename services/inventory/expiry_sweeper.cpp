#include "expiry_sweeper.h"

#include <spdlog/spdlog.h>

#include "inventory.h"

namespace livedrop::inventory {

ExpirySweeper::ExpirySweeper(Inventory& inventory, std::chrono::milliseconds interval)
    : inventory_(inventory), interval_(interval) {}

ExpirySweeper::~ExpirySweeper() { Stop(); }

void ExpirySweeper::Start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      try {
        if (const int n = inventory_.ExpireDue(); n > 0) {
          spdlog::info("expired {} reservations and returned their stock", n);
        }
      } catch (const std::exception& e) {
        spdlog::warn("expiry sweep failed: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, interval_, [&] { return stop_; });
    }
  });
}

void ExpirySweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace livedrop::inventory
