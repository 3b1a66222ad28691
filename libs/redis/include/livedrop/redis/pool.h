#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace livedrop::redis {

struct RedisOptions {
  std::string url;  // redis://host:port[/db]
  // Idle connections kept. Not a cap: more are opened under load and closed when returned,
  // because a cache that makes callers queue is worse than none (callers are bounded anyway).
  int size = 32;
  std::chrono::milliseconds timeout{200};    // connect and per command
  std::chrono::milliseconds cooldown{1000};  // after a failure, fail fast this long
};

struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;
  long long integer = 0;
  std::vector<Reply> elements;
};

// A small pool of hiredis connections for use as a cache: every failure is
// Error(kUnavailable, "cache_unavailable"), and after one the pool answers that at once,
// without touching the network, until `cooldown` has passed — so callers fall back to the
// database quickly while Redis is down and recover by themselves when it returns.
// A failure also drops every idle connection; an idle connection the server has closed (it
// restarted) is noticed when leased and replaced, so a restart costs no error at all.
// A Redis error reply (e.g. WRONGTYPE) is Error(kInternal, "cache_error").
class Pool {
 public:
  explicit Pool(RedisOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Reply Command(const std::vector<std::string>& args);
  bool Healthy();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::redis
