#pragma once

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <utility>

namespace livedrop {

// What an asynchronous call came to: its value, or the exception it failed with. Get()
// returns the value or rethrows, so the code that carries on reads like synchronous code.
template <class T>
class Reply {
 public:
  static Reply Of(T value) {
    Reply r;
    r.value_.emplace(std::move(value));
    return r;
  }
  static Reply Failed(std::exception_ptr error) {
    Reply r;
    r.error_ = std::move(error);
    return r;
  }
  // What `make` returns, or what it throws.
  template <class Make>
  static Reply From(Make&& make) {
    try {
      return Of(make());
    } catch (...) {
      return Failed(std::current_exception());
    }
  }

  bool ok() const { return error_ == nullptr; }
  const std::exception_ptr& error() const { return error_; }
  T Get() && {
    if (error_) std::rethrow_exception(error_);
    return std::move(*value_);
  }

 private:
  Reply() = default;
  std::optional<T> value_;
  std::exception_ptr error_;
};

// Where an asynchronous call delivers its reply: called once, from whichever thread has it
// (a gRPC completion thread, a pool's, or the caller's own when the answer is at hand).
template <class T>
using Then = std::function<void(Reply<T>)>;

// A Then that settles `promise` with the reply: its value, or its exception.
template <class T>
Then<T> Settle(std::shared_ptr<std::promise<T>> promise) {
  return [promise = std::move(promise)](Reply<T> reply) {
    if (reply.ok()) {
      promise->set_value(std::move(reply).Get());
    } else {
      promise->set_exception(reply.error());
    }
  };
}

// Starts an asynchronous call and waits for its reply: the value, or the call's exception
// rethrown. For threads that may wait (a background loop, a test) — never for a thread the
// reply itself needs (a pool's thread waiting for a continuation posted to the same pool).
template <class T>
T Await(const std::function<void(Then<T>)>& start) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start(Settle(std::move(promise)));
  return future.get();
}

}  // namespace livedrop
