#pragma once

// Private to libs/http: the open connections of a server (HTTP sessions, WebSockets), so that
// a stop can reach every one of them and wait until they are gone.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace livedrop::http::detail {

template <class Session>
class SessionRegistry {
 public:
  void Add(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mutex_);
    sessions_[s.get()] = s;
  }
  // Called from the session's destructor.
  void Remove(Session* s) {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
    changed_.notify_all();
  }
  std::vector<std::shared_ptr<Session>> Open() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> out;
    for (const auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  // Waits up to `wait` for every session to be gone; true if they are.
  bool WaitEmpty(std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return sessions_.empty(); });
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace livedrop::http::detail
