#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "livedrop/core/reply.h"

namespace livedrop {

struct ExecutorOptions {
  std::string name = "executor";  // for logs
  int threads = 8;
  // How long destruction waits for posted tasks and for replies still owed (a Continue not
  // yet called): a call in flight answers within its deadline.
  std::chrono::milliseconds drain{std::chrono::seconds(30)};
};

// A pool of threads for work that goes on after an asynchronous call, so that no thread is
// held while another service thinks: a step starts its call and returns; the reply is posted
// back here (Continue) and the next step runs on whichever pool thread is free. Threads are
// only busy while there is work — PostgreSQL's round trips included, which is why there are
// several.
class Executor {
 public:
  // Carries the poster's context (the call being served: request id, deadline, log context)
  // to the pool thread that runs the task: returns the task wrapped to run inside it, and is
  // called on the posting thread. Empty: nothing is carried.
  using Carry = std::function<std::function<void()>(std::function<void()>)>;

  explicit Executor(ExecutorOptions options, Carry carry = {});
  // Waits (up to options.drain) until nothing is queued, running or owed, then stops; a
  // reply that comes later still is dropped, with an error in the log.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Post(std::function<void()> task);
  void PostAfter(std::chrono::milliseconds delay, std::function<void()> task);

  // A Then that, called from any thread, runs `next(reply)` on the pool in the context of
  // the thread that called Continue. It counts as owed work until it has run (or every copy
  // of it is gone uncalled).
  template <class T>
  Then<T> Continue(std::function<void(Reply<T>)> next) {
    auto slot = std::make_shared<std::optional<Reply<T>>>();
    auto task = Carried([slot, next = std::move(next)] { next(std::move(**slot)); });
    return [owed = Owe(), slot, task = std::move(task)](Reply<T> reply) {
      *slot = std::move(reply);
      Enqueue(owed, task);
    };
  }

 private:
  struct State;
  // A share of the pool that marks one reply owed while any copy of it lives.
  using Owed = std::shared_ptr<State>;

  std::function<void()> Carried(std::function<void()> task) const;
  Owed Owe();
  static void Enqueue(const Owed& owed, std::function<void()> task);

  std::shared_ptr<State> state_;
  Carry carry_;
  std::chrono::milliseconds drain_;
  std::vector<std::thread> threads_;
};

}  // namespace livedrop
