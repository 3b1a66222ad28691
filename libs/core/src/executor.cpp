#include "livedrop/core/executor.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace livedrop {

struct Executor::State {
  using Clock = std::chrono::steady_clock;
  struct Timed {
    Clock::time_point at;
    std::uint64_t seq;  // first posted, first run among tasks due at the same time
    std::function<void()> task;
    bool operator>(const Timed& other) const {
      return at != other.at ? at > other.at : seq > other.seq;
    }
  };

  std::string name;
  std::mutex mu;
  std::condition_variable wake;     // workers: a task is due, or stopping
  std::condition_variable settled;  // the destructor: nothing queued, running or owed
  std::priority_queue<Timed, std::vector<Timed>, std::greater<>> queue;
  std::uint64_t next_seq = 0;
  int running = 0;
  int owed = 0;
  bool stopping = false;

  void Push(Clock::time_point at, std::function<void()> task) {
    {
      std::lock_guard lock(mu);
      if (stopping) {
        spdlog::error("{}: a task arrived after it stopped; dropped", name);
        return;
      }
      queue.push(Timed{at, next_seq++, std::move(task)});
    }
    wake.notify_one();
  }

  bool Idle() const { return queue.empty() && running == 0 && owed == 0; }

  void Work() {
    std::unique_lock lock(mu);
    for (;;) {
      if (stopping && queue.empty()) return;
      if (queue.empty()) {
        wake.wait(lock);
        continue;
      }
      if (queue.top().at > Clock::now()) {
        wake.wait_until(lock, queue.top().at);
        continue;
      }
      auto task = std::move(const_cast<Timed&>(queue.top()).task);
      queue.pop();
      ++running;
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        spdlog::error("{}: a task failed: {}", name, e.what());
      }
      task = nullptr;  // its captures (an owed reply among them) go before it counts as done
      lock.lock();
      --running;
      if (Idle()) settled.notify_all();
    }
  }
};

Executor::Executor(ExecutorOptions options, Carry carry)
    : state_(std::make_shared<State>()), carry_(std::move(carry)) {
  state_->name = options.name;
  drain_ = options.drain;
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    threads_.emplace_back([state = state_] { state->Work(); });
  }
}

Executor::~Executor() {
  {
    std::unique_lock lock(state_->mu);
    if (!state_->settled.wait_for(lock, drain_, [&] { return state_->Idle(); })) {
      spdlog::error("{}: stopping with {} tasks queued, {} running and {} replies owed",
                    state_->name, state_->queue.size(), state_->running, state_->owed);
    }
    state_->stopping = true;
  }
  state_->wake.notify_all();
  for (auto& t : threads_) t.join();
}

void Executor::Post(std::function<void()> task) {
  state_->Push(State::Clock::now(), Carried(std::move(task)));
}

void Executor::PostAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  state_->Push(State::Clock::now() + delay, Carried(std::move(task)));
}

std::function<void()> Executor::Carried(std::function<void()> task) const {
  return carry_ ? carry_(std::move(task)) : std::move(task);
}

Executor::Owed Executor::Owe() {
  {
    std::lock_guard lock(state_->mu);
    ++state_->owed;
  }
  // Shares the state; its deleter only settles the debt, when the last copy goes.
  return Owed(state_.get(), [state = state_](State*) {
    std::lock_guard lock(state->mu);
    --state->owed;
    if (state->Idle()) state->settled.notify_all();
  });
}

void Executor::Enqueue(const Owed& owed, std::function<void()> task) {
  owed->Push(State::Clock::now(), [owed, task = std::move(task)] { task(); });
}

}  // namespace livedrop
