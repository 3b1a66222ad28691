#pragma once

#include <atomic>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "livedrop/core/error.h"
#include "livedrop/core/reply.h"

namespace livedrop {

// Bounds the calls a service answers at once when no thread is held per call (so its thread
// pools bound nothing): past `limit`, a call is refused Error(kResourceExhausted,
// "overloaded") before anything is done, and a caller retries it.
class InFlightLimit {
 public:
  // `what` names the calls in the refusal: "orders being placed".
  InFlightLimit(int limit, std::string what) : limit_(limit), what_(std::move(what)) {}

  // The call's Then, counting it in flight until it is answered — or, past the limit, an
  // empty one, `then` having been answered overloaded already.
  template <class T>
  Then<T> Admit(Then<T> then) {
    if (count_->fetch_add(1) >= limit_) {
      count_->fetch_sub(1);
      then(Reply<T>::Failed(std::make_exception_ptr(
          Error(ErrorKind::kResourceExhausted, "overloaded", "too many " + what_ + "; retry"))));
      return nullptr;
    }
    return [count = count_, then = std::move(then)](Reply<T> reply) {
      count->fetch_sub(1);
      then(std::move(reply));
    };
  }

  int in_flight() const { return count_->load(); }

 private:
  const int limit_;
  const std::string what_;
  // Shared with the Thens handed out, which may outlive the limit.
  std::shared_ptr<std::atomic<int>> count_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace livedrop
