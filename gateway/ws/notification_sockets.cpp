#include "ws/notification_sockets.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "clients/followers_client.h"
#include "clients/notifications_client.h"
#include "livedrop/core/ids.h"
#include "livedrop/log/log.h"
#include "livedrop/log/traceparent.h"
#include "server/authenticate.h"
#include "server/http_errors.h"
#include "server/rate_limits.h"
#include "ws/following_loader.h"
#include "ws/frames.h"
#include "ws/notification_hub.h"

namespace livedrop::gateway {
namespace {

constexpr char kPath[] = "/v1/ws";
constexpr char kSubprotocol[] = "livedrop.v1";
constexpr char kTokenSubprotocol[] = "access_token.";
constexpr int kCloseInternal = 1011;

struct Credentials {
  std::string token;
  std::string subprotocol;  // what to answer in Sec-WebSocket-Protocol ("" for none)
};

// Browsers cannot set headers on a WebSocket: the token may also come as ?access_token= or as
// a subprotocol "access_token.<token>" (next to "livedrop.v1", which is then answered).
Credentials CredentialsOf(const http::Request& request) {
  Credentials c;
  c.token = BearerToken(request);
  if (c.token.empty()) c.token = request.QueryParam("access_token").value_or("");
  const auto offered = request.headers.Get("Sec-WebSocket-Protocol").value_or("");
  std::size_t start = 0;
  while (start < offered.size()) {
    auto end = offered.find(',', start);
    if (end == std::string::npos) end = offered.size();
    std::string item = offered.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == kSubprotocol) {
      c.subprotocol = item;
    } else if (item.rfind(kTokenSubprotocol, 0) == 0 && c.token.empty()) {
      c.token = item.substr(std::string(kTokenSubprotocol).size());
      if (c.subprotocol.empty()) c.subprotocol = item;
    }
    start = end + 1;
  }
  return c;
}

}  // namespace

struct NotificationSockets::Connection {
  std::string user_id;
  std::string last_event_id;
  rpc::CallOrigin origin;
  std::shared_ptr<http::WebSocket> socket;
  std::string replayed_up_to;  // the id of the last notification replayed
  std::size_t replayed = 0;

  std::function<void()> release;  // gives back the user's place among open sockets

  std::mutex mutex;
  NotificationHub::SubscriberPtr subscriber;  // null once closed
  bool closed = false;
};

NotificationSockets::NotificationSockets(NotificationHub& hub, const auth::JwtVerifier& verifier,
                                         KeyRefresher* keys, FollowersClient& followers,
                                         NotificationsClient& notifications,
                                         NotificationSocketOptions options, RateLimits* limits)
    : hub_(hub),
      verifier_(verifier),
      keys_(keys),
      followers_(followers),
      notifications_(notifications),
      options_(options),
      limits_(limits) {}

void NotificationSockets::OnUpgrade(std::shared_ptr<http::UpgradeRequest> upgrade) {
  const auto& request = upgrade->request();
  const std::string request_id = log::NewRequestId();
  auto refuse = [&](const Error& e) {
    spdlog::info("GET {} refused: {} ({})", kPath, e.code(), e.what());
    upgrade->Refuse(ProblemFor(e, request_id));
  };
  if (request.path != kPath) return refuse(NotFoundError("route"));
  const auto credentials = CredentialsOf(request);
  auth::Claims claims;
  try {
    claims = VerifyAccessToken(credentials.token, verifier_, keys_);
  } catch (const Error& e) {
    return refuse(e);
  }
  auto c = std::make_shared<Connection>();
  c->user_id = claims.subject;
  c->last_event_id = request.QueryParam("last_event_id").value_or("");
  if (!c->last_event_id.empty() && !IsUuid(c->last_event_id)) {
    return refuse(ValidationError("last_event_id", "last_event_id must be a notification id"));
  }
  c->origin = rpc::CallOrigin{request_id, log::FormatTraceParent(log::NewTraceParent()),
                              claims.subject, claims.role};
  if (limits_ == nullptr) return Open(upgrade, c, claims.expires_at, credentials.subprotocol);
  limits_->CheckWebSocket(
      c->user_id, claims.expires_at, request_id,
      [this, upgrade, c, expires_at = claims.expires_at, subprotocol = credentials.subprotocol](
          std::optional<http::Response> refusal, std::function<void()> release) {
        if (refusal) {
          spdlog::info("GET {} of {} refused: {}", kPath, c->user_id, refusal->status);
          return upgrade->Refuse(std::move(*refusal));
        }
        c->release = std::move(release);
        Open(upgrade, c, expires_at, subprotocol);
      });
}

// Completes the handshake and starts the connection: its follows, then replay or live.
void NotificationSockets::Open(const std::shared_ptr<http::UpgradeRequest>& upgrade,
                               std::shared_ptr<Connection> c, TimePoint expires_at,
                               const std::string& subprotocol) {
  http::WebSocketHandlers handlers;
  handlers.on_closed = [this, c](int) {
    std::lock_guard lock(c->mutex);
    c->closed = true;
    if (c->subscriber) hub_.Remove(c->subscriber);
    c->subscriber.reset();
    c->socket.reset();
    if (c->release) c->release();
  };
  auto socket = upgrade->Accept(std::move(handlers), subprotocol);
  {
    std::lock_guard lock(c->mutex);
    if (c->closed) return;
    c->socket = socket;
    c->subscriber = hub_.Add(c->user_id, socket, expires_at);
  }
  LoadFollowing(c);
}

void NotificationSockets::LoadFollowing(std::shared_ptr<Connection> c) {
  gateway::LoadFollowing(followers_, c->user_id, c->origin, options_.max_following,
                         [this, c](std::optional<Error> error, std::vector<std::string> creators) {
                           if (error) {
                             spdlog::warn("WebSocket of {}: cannot load follows: {}", c->user_id,
                                          error->what());
                             std::lock_guard lock(c->mutex);
                             if (c->socket)
                               c->socket->Close(kCloseInternal, "cannot load follows; reconnect");
                             return;
                           }
                           const bool replaying = !c->last_event_id.empty();
                           const Frame ready{"", std::make_shared<const std::string>(frames::Ready(
                                                     c->user_id, creators.size(), replaying))};
                           {
                             std::lock_guard lock(c->mutex);
                             if (!c->subscriber) return;
                             hub_.SetInterests(c->subscriber, creators);
                             hub_.SendNow(c->subscriber, ready);
                           }
                           if (!replaying) return GoLive(c, std::nullopt);
                           c->replayed_up_to = c->last_event_id;
                           Replay(c);
                         });
}

// One page of what was missed, sent at once; the next is asked once the socket has written it.
void NotificationSockets::Replay(std::shared_ptr<Connection> c) {
  notifications::v1::ListSinceRequest req;
  req.set_user_id(c->user_id);
  req.set_after_id(c->replayed_up_to);
  req.set_limit(static_cast<int>(options_.replay_page));
  notifications_.ListSince(
      std::move(req), c->origin, [this, c](Outcome<notifications::v1::ListSinceResponse> o) {
        if (auto* e = std::get_if<Error>(&o)) {
          spdlog::info("WebSocket of {}: replay after {} stopped: {}", c->user_id,
                       c->replayed_up_to, e->what());
          return GoLive(c, e->code());
        }
        const auto& page = std::get<notifications::v1::ListSinceResponse>(o);
        std::vector<Frame> frames;
        frames.reserve(static_cast<std::size_t>(page.items_size()));
        for (const auto& n : page.items()) frames.push_back(frames::FromNotification(n));
        std::shared_ptr<http::WebSocket> socket;
        std::size_t sent = 0;
        {
          std::lock_guard lock(c->mutex);
          if (!c->subscriber || !hub_.Replay(c->subscriber, frames, &sent)) return;
          socket = c->socket;
        }
        c->replayed += sent;
        if (!page.more() || frames.empty()) return GoLive(c, std::nullopt);
        c->replayed_up_to = frames.back().id;
        socket->WhenDrained([this, c] { Replay(c); });
      });
}

// Ends the catch-up: `caught_up` after a replay (with why it stopped early, if it did), then
// the frames held back meanwhile, then live.
void NotificationSockets::GoLive(const std::shared_ptr<Connection>& c,
                                 std::optional<std::string> replay_error) {
  std::lock_guard lock(c->mutex);
  if (!c->subscriber) return;
  if (!c->last_event_id.empty()) {
    hub_.SendNow(c->subscriber,
                 Frame{"", std::make_shared<const std::string>(frames::CaughtUp(
                               c->replayed, replay_error.value_or("")))});
  }
  hub_.GoLive(c->subscriber);
}

}  // namespace livedrop::gateway
