#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace livedrop::drops {

// The threads product images are decoded and resized on, off every request thread: a bounded
// queue (a full one refuses, and the caller answers 429) and a fixed number of workers. Stop
// (or the destructor) lets the workers finish the job in hand and drops the queued ones
// (ImagesApp::ResumeProcessing queues them again at the next start).
class ImageWorker {
 public:
  ImageWorker(int threads, std::size_t capacity);
  ~ImageWorker();
  ImageWorker(const ImageWorker&) = delete;
  ImageWorker& operator=(const ImageWorker&) = delete;

  bool Submit(std::function<void()> job);
  void Stop();

 private:
  void Run();

  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace livedrop::drops
