#include "livedrop/redis/pool.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <atomic>
#include <mutex>

#include "livedrop/core/error.h"

namespace livedrop::redis {
namespace {

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;

timeval ToTimeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

// An idle connection has nothing to read unless the server closed it (restart, timeout):
// such a connection is dropped on lease instead of failing a command and starting a cooldown.
bool LooksAlive(const redisContext* c) {
  if (c->err != 0 || c->fd < 0) return false;
  pollfd p{c->fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

Reply Convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::kNil;
  }
  return out;
}

}  // namespace

struct Pool::Impl {
  RedisOptions options;
  std::string host;
  int port = 6379;
  int db = 0;
  std::mutex mutex;
  std::vector<Context> idle;
  std::atomic<std::int64_t> down_until_ns{0};

  // Starts the cooldown and forgets every idle connection: they lead to the same server,
  // so after one has failed the others are suspect too.
  Error Unavailable(const std::string& why) {
    down_until_ns =
        (std::chrono::steady_clock::now() + options.cooldown).time_since_epoch().count();
    std::vector<Context> dropped;
    {
      std::lock_guard lock(mutex);
      dropped.swap(idle);
    }
    return Error(ErrorKind::kUnavailable, "cache_unavailable", "cache unavailable: " + why);
  }

  Context Lease() {
    {
      std::lock_guard lock(mutex);
      while (!idle.empty()) {
        Context c = std::move(idle.back());
        idle.pop_back();
        if (LooksAlive(c.get())) return c;
      }
    }
    Context c(redisConnectWithTimeout(host.c_str(), port, ToTimeval(options.timeout)));
    if (!c || c->err) throw Unavailable(c ? c->errstr : "cannot allocate a connection");
    redisSetTimeout(c.get(), ToTimeval(options.timeout));
    if (db != 0) {
      auto* r = static_cast<redisReply*>(redisCommand(c.get(), "SELECT %d", db));
      const bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
      if (r) freeReplyObject(r);
      if (!ok) throw Unavailable("cannot select database");
    }
    return c;
  }

  void Return(Context c) {
    std::lock_guard lock(mutex);
    if (static_cast<int>(idle.size()) < options.size) idle.push_back(std::move(c));
  }
};

Pool::Pool(RedisOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  std::string rest = impl_->options.url;
  if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    impl_->db = std::atoi(rest.substr(slash + 1).c_str());
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  impl_->host = rest.substr(0, colon);
  if (colon != std::string::npos) impl_->port = std::atoi(rest.substr(colon + 1).c_str());
  if (impl_->host.empty() || impl_->port <= 0) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "redis url must be redis://host:port[/db], got '" + impl_->options.url + "'");
  }
}

Pool::~Pool() = default;

Reply Pool::Command(const std::vector<std::string>& args) {
  if (args.empty()) throw Error(ErrorKind::kInvalidArgument, "cache_error", "empty redis command");
  if (std::chrono::steady_clock::now().time_since_epoch().count() < impl_->down_until_ns.load()) {
    throw Error(ErrorKind::kUnavailable, "cache_unavailable", "cache unavailable (cooling down)");
  }
  Context c = impl_->Lease();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* raw = static_cast<redisReply*>(
      redisCommandArgv(c.get(), static_cast<int>(args.size()), argv.data(), lens.data()));
  if (raw == nullptr) throw impl_->Unavailable(c->errstr);  // the broken connection is dropped
  std::unique_ptr<redisReply, void (*)(void*)> reply(raw, freeReplyObject);
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string message(reply->str, reply->len);
    impl_->Return(std::move(c));
    throw Error(ErrorKind::kInternal, "cache_error", "redis error: " + message);
  }
  Reply out = Convert(reply.get());
  impl_->Return(std::move(c));
  return out;
}

bool Pool::Healthy() {
  try {
    return Command({"PING"}).str == "PONG";
  } catch (const Error&) {
    return false;
  }
}

}  // namespace livedrop::redis
