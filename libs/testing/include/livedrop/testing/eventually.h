#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <utility>

namespace livedrop::testing {

// Polls `condition` every `poll` until it holds (true at once) or `timeout` has passed (false,
// after one last look). What a test waits for is a condition, never a length of time.
bool Eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(20));

// Polls `probe` (returning std::optional<T>) until it has a value; returns the first value, or
// nullopt at the timeout.
template <class Probe>
auto EventuallyValue(Probe&& probe, std::chrono::milliseconds timeout,
                     std::chrono::milliseconds poll = std::chrono::milliseconds(20))
    -> decltype(probe()) {
  decltype(probe()) last;
  Eventually(
      [&] {
        last = probe();
        return last.has_value();
      },
      timeout, poll);
  return last;
}

// Lets `duration` pass where the passing of time is itself the behaviour under test: a TTL or
// a hold that must lapse, a connection left idle past its keepalive, a handler that must be
// slow, a window in which nothing may happen. `why` names it at the call site (and in a
// failure's trace); it is never a way to wait for something to happen: that is Eventually.
void Idle(std::chrono::milliseconds duration, std::string_view why);

}  // namespace livedrop::testing
