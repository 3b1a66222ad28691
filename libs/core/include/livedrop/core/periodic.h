#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace livedrop {

// A background pass run every `interval` on its own thread until Stop(): sweepers, recovery
// loops. A pass that throws is logged (with `name`) and the next pass runs as usual. Wake()
// runs the next pass at once.
class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> pass);
  ~Periodic();  // Stop()
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  void Start();
  void Wake();
  // Waits for a running pass to finish; idempotent.
  void Stop();

 private:
  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> pass_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
};

}  // namespace livedrop
