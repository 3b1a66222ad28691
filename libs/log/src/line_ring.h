#pragma once

// Private to libs/log: a bounded byte ring with one producer thread and one consumer thread,
// holding whole lines. Push and Drain are a few relaxed/acquire-release atomics and memcpy.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace livedrop::log {

class LineRing {
 public:
  explicit LineRing(std::size_t capacity)
      : capacity_(std::max<std::size_t>(capacity, 1)),
        bytes_(std::make_unique<char[]>(capacity_)) {}

  // Producer: all of `line` or nothing (false: no room).
  bool TryPush(std::string_view line) {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    const std::uint64_t tail = tail_.load(std::memory_order_acquire);
    if (line.size() > capacity_ - (head - tail)) return false;
    Copy(head, line);
    head_.store(head + line.size(), std::memory_order_release);
    return true;
  }

  // Consumer: appends everything pushed so far to `out`.
  void Drain(std::string& out) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    if (head == tail) return;
    const std::size_t at = static_cast<std::size_t>(tail % capacity_);
    const std::size_t n = static_cast<std::size_t>(head - tail);
    const std::size_t first = std::min(n, capacity_ - at);
    out.append(bytes_.get() + at, first);
    out.append(bytes_.get(), n - first);
    tail_.store(head, std::memory_order_release);
  }

 private:
  void Copy(std::uint64_t position, std::string_view line) {
    const std::size_t at = static_cast<std::size_t>(position % capacity_);
    const std::size_t first = std::min(line.size(), capacity_ - at);
    std::memcpy(bytes_.get() + at, line.data(), first);
    std::memcpy(bytes_.get(), line.data() + first, line.size() - first);
  }

  const std::size_t capacity_;
  std::unique_ptr<char[]> bytes_;
  alignas(64) std::atomic<std::uint64_t> head_{0};  // bytes ever pushed (producer)
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // bytes ever drained (consumer)
};

}  // namespace livedrop::log
