#include "livedrop/log/access_log.h"

#include <spdlog/details/log_msg.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "line_ring.h"

namespace livedrop::log {
namespace {

std::atomic<std::uint64_t> next_log_id{1};

constexpr std::string_view kCut = "...";

// What one thread writes into: only that thread touches the formatter and the buffers; the
// counters are written by it alone and read by the writer thread.
struct ThreadRing {
  ThreadRing(std::size_t bytes, std::unique_ptr<spdlog::formatter> f)
      : ring(bytes), formatter(std::move(f)) {}
  LineRing ring;
  std::unique_ptr<spdlog::formatter> formatter;
  spdlog::memory_buf_t line;
  std::string cut;
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> dropped{0};
};

// The ring the calling thread used last, and whose log it belongs to (ids are never reused,
// so a stale entry of a destroyed log cannot match).
struct CachedRing {
  std::uint64_t log_id = 0;
  ThreadRing* ring = nullptr;
};
thread_local CachedRing cached_ring;

void Bump(std::atomic<std::uint64_t>& counter) {  // single writer: no read-modify-write needed
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace

struct AccessLog::Impl {
  Impl(std::unique_ptr<spdlog::formatter> f, Sink s, Options o)
      : id(next_log_id.fetch_add(1)),
        options(std::move(o)),
        sink(std::move(s)),
        prototype(std::move(f)) {}

  ThreadRing& RingOfThisThread() {
    if (cached_ring.log_id == id) return *cached_ring.ring;
    std::lock_guard lock(rings_mutex);
    auto& slot = rings[std::this_thread::get_id()];
    if (!slot) slot = std::make_unique<ThreadRing>(options.ring_bytes, prototype->clone());
    cached_ring = CachedRing{id, slot.get()};
    return *slot;
  }

  void Run() {
    std::unique_lock lock(wake_mutex);
    while (true) {
      wake.wait_for(lock, options.flush_interval,
                    [&] { return stopping || flush_requested != flush_done; });
      const bool stop = stopping;
      const std::uint64_t flush_to = flush_requested;
      lock.unlock();
      DrainAll();
      lock.lock();
      flush_done = flush_to;
      flushed.notify_all();
      if (stop) return;
    }
  }

  void DrainAll() {
    std::vector<ThreadRing*> all;
    {
      std::lock_guard lock(rings_mutex);
      for (const auto& [thread, ring] : rings) all.push_back(ring.get());
    }
    batch.clear();
    std::uint64_t dropped = 0;
    for (ThreadRing* r : all) {
      r->ring.Drain(batch);
      dropped += r->dropped.load(std::memory_order_relaxed);
    }
    if (!batch.empty()) {
      try {
        sink(batch);
      } catch (...) {
        // A sink that fails loses this batch; the writer carries on.
      }
    }
    if (dropped > dropped_reported && options.on_dropped) {
      options.on_dropped(dropped - dropped_reported);
    }
    dropped_reported = dropped;
  }

  std::uint64_t Sum(std::atomic<std::uint64_t> ThreadRing::*counter) {
    std::lock_guard lock(rings_mutex);
    std::uint64_t total = 0;
    for (const auto& [thread, ring] : rings) {
      total += ((*ring).*counter).load(std::memory_order_relaxed);
    }
    return total;
  }

  const std::uint64_t id;
  const Options options;
  const Sink sink;
  const std::unique_ptr<spdlog::formatter> prototype;
  std::atomic<bool> stopped{false};

  std::mutex rings_mutex;  // a thread's first line, the writer's passes, the counters
  std::unordered_map<std::thread::id, std::unique_ptr<ThreadRing>> rings;

  std::mutex wake_mutex;
  std::condition_variable wake;
  std::condition_variable flushed;
  bool stopping = false;
  bool running = true;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_done = 0;

  std::string batch;                   // writer thread only
  std::uint64_t dropped_reported = 0;  // writer thread only
  std::thread writer;
};

AccessLog::AccessLog(std::unique_ptr<spdlog::formatter> formatter, Sink sink, Options options)
    : impl_(std::make_unique<Impl>(std::move(formatter), std::move(sink), std::move(options))) {
  impl_->writer = std::thread([impl = impl_.get()] { impl->Run(); });
}

AccessLog::~AccessLog() { Stop(); }

bool AccessLog::Write(std::string_view message) {
  ThreadRing& r = impl_->RingOfThisThread();
  if (impl_->stopped.load(std::memory_order_relaxed)) {
    Bump(r.dropped);
    return false;
  }
  if (message.size() > impl_->options.max_message) {
    r.cut.assign(message.substr(0, impl_->options.max_message));
    r.cut.append(kCut);
    message = r.cut;
  }
  const spdlog::details::log_msg msg(spdlog::string_view_t("access"), spdlog::level::info,
                                     spdlog::string_view_t(message.data(), message.size()));
  r.line.clear();
  r.formatter->format(msg, r.line);
  if (!r.ring.TryPush(std::string_view(r.line.data(), r.line.size()))) {
    Bump(r.dropped);
    return false;
  }
  Bump(r.accepted);
  return true;
}

void AccessLog::Flush() {
  std::unique_lock lock(impl_->wake_mutex);
  if (!impl_->running) return;
  const std::uint64_t target = ++impl_->flush_requested;
  impl_->wake.notify_one();
  impl_->flushed.wait(lock, [&] { return impl_->flush_done >= target || !impl_->running; });
}

void AccessLog::Stop() {
  {
    std::lock_guard lock(impl_->wake_mutex);
    if (!impl_->running) return;
    impl_->stopping = true;
    impl_->wake.notify_one();
  }
  // Lines written from here on are dropped; the writer's last pass takes the rest.
  impl_->stopped = true;
  impl_->writer.join();
  impl_->DrainAll();  // a line pushed while the writer made its last pass
  std::lock_guard lock(impl_->wake_mutex);
  impl_->running = false;
  impl_->flushed.notify_all();
}

std::uint64_t AccessLog::accepted() const { return impl_->Sum(&ThreadRing::accepted); }

std::uint64_t AccessLog::dropped() const { return impl_->Sum(&ThreadRing::dropped); }

AccessLog::Sink StdoutSink() {
  return [](std::string_view lines) {
    std::fwrite(lines.data(), 1, lines.size(), stdout);
    std::fflush(stdout);
  };
}

}  // namespace livedrop::log
