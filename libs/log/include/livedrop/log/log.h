#pragma once

#include <string>

// Logging: spdlog underneath (call spdlog::info(...) etc.), set up here so that every line —
// text locally, JSON lines in production — carries the service name and the request id and
// trace id of the call the thread is serving:
//   text: 2026-11-25T10:00:00.123Z INFO  livedrop-auth [req=<id> trace=<id>] message
//   json: {"time":"...","level":"info","service":"livedrop-auth","request_id":"...",
//          "trace_id":"...","msg":"..."}
// Both ids are on every line ("-" / "" outside a request); levels are named like the
// log-level option (trace, debug, info, warn, error, critical).
namespace livedrop::log {

enum class Format { kText, kJson };

// Replaces the default logger (stdout, synchronous, thread-safe). `level` is
// trace|debug|info|warn|error|critical|off; unknown → info.
void Init(const std::string& service, Format format, const std::string& level);

struct Context {
  std::string request_id;
  std::string trace_id;
};

// Sets the calling thread's log context for its lifetime and restores the previous one.
class ScopedContext {
 public:
  explicit ScopedContext(Context context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  Context previous_;
};

const Context& CurrentContext();

// A fresh request id (UUID v4).
std::string NewRequestId();

}  // namespace livedrop::log
