#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace livedrop::inventory {

class Inventory;

// Returns the stock of reservations held past their expiry, every `interval`. Safe with
// several instances: each sweep locks the rows it expires (SKIP LOCKED), so a reservation
// expires once.
class ExpirySweeper {
 public:
  ExpirySweeper(Inventory& inventory, std::chrono::milliseconds interval);
  ~ExpirySweeper();
  void Start();
  void Stop();

 private:
  Inventory& inventory_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace livedrop::inventory
