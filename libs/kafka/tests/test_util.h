#pragma once

#include <chrono>
#include <functional>

#include "livedrop/testing/eventually.h"

namespace livedrop::kafka::testing {

// Polls `done` until it holds or `timeout` passes; returns its last value.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return livedrop::testing::Eventually(done, timeout);
}

}  // namespace livedrop::kafka::testing
