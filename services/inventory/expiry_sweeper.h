#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace livedrop::inventory {

class Inventory;

// Returns the stock of reservations held past their expiry, every `interval`
// (Inventory::ExpireDue: everything due, one transaction per drop). Safe with several
// instances: whether a reservation is still held is decided again under its drop's stock row
// lock, so a reservation expires once and a racing Confirm either wins or finds it expired.
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
