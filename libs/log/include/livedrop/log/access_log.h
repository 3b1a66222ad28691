#pragma once

#include <spdlog/formatter.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace livedrop::log {

// One line per request, off the I/O threads. Write() formats the line where it is called (so
// it carries that thread's request and trace ids, in the same layout as every other line) into
// a bounded ring of the calling thread, and returns: no lock shared with other threads, no
// system call, never a wait. A writer thread of its own hands what the rings hold to the sink
// every flush_interval. A full ring drops the line and counts it (dropped(), on_dropped): a
// slow log reader costs lines, never request latency.
class AccessLog {
 public:
  // Whole lines (each ends in '\n'), called on the writer thread only.
  using Sink = std::function<void(std::string_view lines)>;

  struct Options {
    std::size_t ring_bytes = 256 << 10;  // per writing thread
    std::chrono::milliseconds flush_interval{10};
    std::size_t max_message = 1024;  // longer messages are cut and end in "..."
    // Called on the writer thread with each batch of newly dropped lines.
    std::function<void(std::uint64_t)> on_dropped;
  };

  // `formatter`: the line layout, e.g. MakeFormatter(service, format) or InstalledFormatter().
  AccessLog(std::unique_ptr<spdlog::formatter> formatter, Sink sink, Options options);
  ~AccessLog();  // Stop()
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // An info line; false if it was dropped (its ring full, or the log stopped).
  bool Write(std::string_view message);
  // Returns once every line written before the call has reached the sink.
  void Flush();
  // Hands every queued line to the sink and ends the writer thread; later lines are dropped.
  // Call it once the threads that write are done (after the server's Stop). Idempotent.
  void Stop();

  // Lines Write() took (each reaches the sink unless the process dies first) and dropped.
  std::uint64_t accepted() const;
  std::uint64_t dropped() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes to stdout (fwrite + fflush: whole batches, so lines never interleave with the
// default logger's, which writes there too).
AccessLog::Sink StdoutSink();

}  // namespace livedrop::log
