#include "livedrop/testing/eventually.h"

#include <thread>

namespace livedrop::testing {

bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

void Idle(std::chrono::milliseconds duration, std::string_view /*why*/) {
  std::this_thread::sleep_for(duration);
}

}  // namespace livedrop::testing
