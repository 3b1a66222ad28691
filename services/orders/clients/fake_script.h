#pragma once

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::orders {

// What a fake port answers, one scripted answer per call: a value, or an error thrown as the
// real client would throw it. Once the script is used up every call gets `fallback`.
template <class T>
class FakeScript {
 public:
  explicit FakeScript(T fallback) : fallback_(std::move(fallback)) {}

  void Answer(T value) { script_.emplace_back(std::move(value)); }
  void Fail(Error error) { script_.emplace_back(std::move(error)); }
  void AnswerFromNowOn(T value) { fallback_ = std::move(value); }

  T Next() {
    if (script_.empty()) return fallback_;
    auto next = std::move(script_.front());
    script_.pop_front();
    if (auto* error = std::get_if<Error>(&next)) throw *error;
    return std::get<T>(std::move(next));
  }

 private:
  std::deque<std::variant<T, Error>> script_;
  T fallback_;
};

// How many of the calls recorded as "<Method> <order id>" are calls of `method`.
inline int CountCalls(const std::vector<std::string>& calls, const std::string& method) {
  const std::string prefix = method + " ";
  return static_cast<int>(std::count_if(
      calls.begin(), calls.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }));
}

}  // namespace livedrop::orders
