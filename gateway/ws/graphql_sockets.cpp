#include "ws/graphql_sockets.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <functional>
#include <unordered_map>

#include "graphql/engine.h"
#include "graphql/error_codes.h"
#include "graphql_api/api.h"
#include "graphql_api/document_cache.h"
#include "graphql_api/operation_request.h"
#include "livedrop/log/log.h"
#include "livedrop/log/traceparent.h"
#include "server/authenticate.h"
#include "server/http_errors.h"
#include "server/rate_limits.h"
#include "ws/following_loader.h"
#include "ws/notification_hub.h"

namespace livedrop::gateway {
namespace {

namespace json = boost::json;

constexpr char kPath[] = "/graphql";
constexpr char kSubprotocol[] = "graphql-transport-ws";

// The protocol's close codes.
constexpr int kCloseBadMessage = 4400;
constexpr int kCloseUnauthorized = 4401;
constexpr int kCloseForbidden = 4403;
constexpr int kCloseInitTimeout = 4408;
constexpr int kCloseDuplicateId = 4409;
constexpr int kCloseTooManyInits = 4429;
// RFC 6455's "Try Again Later": the user holds as many WebSockets as they may (ws-open, shared
// with /v1/ws), or opened too many lately (ws-user).
constexpr int kCloseTryAgainLater = 1013;

// The hub key of dropEvents subscribers: no user's id (see Subscribe).
constexpr char kDropEventsAudience[] = "graphql:dropEvents";

bool Offers(const http::Request& request, const char* subprotocol) {
  const auto offered = request.headers.Get("Sec-WebSocket-Protocol").value_or("");
  std::size_t start = 0;
  while (start <= offered.size()) {
    auto end = offered.find(',', start);
    if (end == std::string::npos) end = offered.size();
    auto item = offered.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == subprotocol) return true;
    start = end + 1;
  }
  return false;
}

std::shared_ptr<const std::string> Message(json::object message) {
  return std::make_shared<const std::string>(json::serialize(message));
}

// The access token of a connection_init payload: {"Authorization": "Bearer <t>"} (what GraphiQL
// and most clients send: their HTTP headers), or {"access_token": "<t>"}.
std::string TokenOf(const json::object& payload) {
  for (const char* key : {"Authorization", "authorization"}) {
    const auto* value = payload.if_contains(key);
    if (value == nullptr || !value->is_string()) continue;
    const std::string_view header = value->as_string();
    constexpr std::string_view kBearer = "Bearer ";
    return std::string(header.substr(0, kBearer.size()) == kBearer ? header.substr(kBearer.size())
                                                                   : header);
  }
  const auto* token = payload.if_contains("access_token");
  return token != nullptr && token->is_string() ? std::string(token->as_string()) : "";
}

// The root field a subscription selects and its creatorId argument (a literal or a variable).
struct RootField {
  std::string name;
  std::string creator_id;
};

std::optional<RootField> RootFieldIn(const graphql::ast::Document& document,
                                     const graphql::ast::SelectionSet& selections,
                                     const json::object& variables) {
  for (const auto& selection : selections.selections) {
    if (selection.kind == graphql::ast::SelectionKind::kInlineFragment) {
      if (auto root = RootFieldIn(document, selection.selection_set, variables)) return root;
      continue;
    }
    if (selection.kind == graphql::ast::SelectionKind::kFragmentSpread) {
      // Validation has refused unknown and cyclic fragments already.
      const auto* fragment = document.FindFragment(selection.name);
      if (fragment == nullptr) continue;
      if (auto root = RootFieldIn(document, fragment->selection_set, variables)) return root;
      continue;
    }
    RootField root{selection.name, ""};
    for (const auto& argument : selection.arguments) {
      if (argument.name != "creatorId") continue;
      // An ID is written as a string or an integer (the specification's input coercion).
      if (argument.value.kind == graphql::ast::ValueKind::kString ||
          argument.value.kind == graphql::ast::ValueKind::kInt) {
        root.creator_id = argument.value.text;
      } else if (argument.value.kind == graphql::ast::ValueKind::kVariable) {
        const auto* value = variables.if_contains(argument.value.text);
        if (value != nullptr && value->is_string()) root.creator_id = value->as_string();
        if (value != nullptr && value->is_int64())
          root.creator_id = std::to_string(value->as_int64());
      }
    }
    return root;
  }
  return std::nullopt;
}

// The one root field a subscription selects (validation allows exactly one), directly or
// through fragments, with its creatorId argument.
std::optional<RootField> RootFieldOf(const graphql::ast::Document& document,
                                     const graphql::ast::OperationDefinition& operation,
                                     const json::object& variables) {
  return RootFieldIn(document, operation.selection_set, variables);
}

}  // namespace

// One subscription running on a connection.
struct Subscription {
  std::string id;
  std::shared_ptr<const graphql::PreparedDocument> prepared;
  graphql::Request request;  // operation name, variables, context
  RootField root;
  NotificationHub::SubscriberPtr subscriber;
};

struct GraphQLSockets::Connection {
  TimePoint accepted_at;
  rpc::CallOrigin origin;
  std::mutex mutex;
  std::shared_ptr<http::WebSocket> socket;  // null once closed
  std::string client_ip;      // as per-IP limits count it
  bool initialised = false;   // connection_init came
  bool acknowledged = false;  // connection_ack went: subscribe may come
  std::optional<auth::Claims> caller;
  std::function<void()> release;  // gives the user's WebSocket place back (limits)
  std::unordered_map<std::string, std::shared_ptr<Subscription>> running;

  void Send(json::object message) {
    std::lock_guard lock(mutex);
    if (socket) socket->Send(Message(std::move(message)));
  }
  void Close(int code, const std::string& reason) {
    std::lock_guard lock(mutex);
    if (socket) socket->Close(code, reason);
  }
};

namespace {

// What the hub sends a subscription to: each frame of /v1/ws ({id, type, time, data}) becomes
// one event of the subscription, its selection set run against it, and goes out as `next`.
class SubscriptionOutlet final : public http::WebSocket {
 public:
  SubscriptionOutlet(const graphql::Engine& engine, std::weak_ptr<GraphQLSockets::Connection> c,
                     std::weak_ptr<Subscription> s)
      : engine_(engine), connection_(std::move(c)), subscription_(std::move(s)) {}

  bool Send(std::shared_ptr<const std::string> text) override {
    auto c = connection_.lock();
    auto s = subscription_.lock();
    if (!c || !s || text == nullptr || text->empty()) return c != nullptr;
    json::error_code ec;
    auto frame = json::parse(*text, ec);
    if (ec || !frame.is_object()) return true;
    auto event = EventOf(*s, frame.as_object());
    if (!event) return true;
    const auto id = s->id;
    engine_.ExecuteSubscriptionEvent(
        s->prepared, s->request, std::move(*event), [c, id](json::object result) {
          c->Send({{"id", id}, {"type", "next"}, {"payload", std::move(result)}});
        });
    return true;
  }
  void Close(int code, const std::string& reason) override {
    if (auto c = connection_.lock()) c->Close(code, reason);
  }
  bool closing() const override { return connection_.expired() || subscription_.expired(); }

 private:
  // The root value for this frame, or nothing when the frame is not for this subscription.
  static std::optional<json::value> EventOf(const Subscription& subscription, json::object& frame) {
    auto* data = frame.if_contains("data");
    if (data == nullptr || !data->is_object()) return std::nullopt;  // e.g. the hub's `ready`
    const auto& root = subscription.root;
    if (root.name == "dropEvents") {
      const auto* creator = data->as_object().if_contains("creator_id");
      if (creator == nullptr || !creator->is_string() || creator->as_string() != root.creator_id) {
        return std::nullopt;  // the user's own order frames, or another creator's
      }
      const auto* drop = data->as_object().if_contains("drop_id");
      json::object event{{"id", frame["id"]},
                         {"type", frame["type"]},
                         {"dropId", drop ? *drop : json::value(nullptr)},
                         {"time", frame["time"]},
                         {"data", *data}};
      return json::object{{"dropEvents", std::move(event)}};
    }
    frame["read"] = false;
    return json::object{{"myNotifications", std::move(frame)}};
  }

  const graphql::Engine& engine_;
  // Weak both: the connection owns its subscriptions, a subscription its hub subscriber, and
  // the subscriber this outlet; nothing here may own them back.
  std::weak_ptr<GraphQLSockets::Connection> connection_;
  std::weak_ptr<Subscription> subscription_;
};

}  // namespace

GraphQLSockets::GraphQLSockets(const graphql::Engine& engine, DocumentCache& documents,
                               NotificationHub& hub, const auth::JwtVerifier& verifier,
                               KeyRefresher* keys, FollowersClient& followers,
                               GraphQLSocketOptions options, RateLimits* limits)
    : engine_(engine),
      documents_(documents),
      hub_(hub),
      verifier_(verifier),
      keys_(keys),
      followers_(followers),
      options_(options),
      limits_(limits) {}

GraphQLSockets::~GraphQLSockets() = default;

void GraphQLSockets::OnUpgrade(std::shared_ptr<http::UpgradeRequest> upgrade) {
  const auto& request = upgrade->request();
  const std::string request_id = log::NewRequestId();
  if (request.path != kPath) return upgrade->Refuse(ProblemFor(NotFoundError("route"), request_id));
  if (!Offers(request, kSubprotocol)) {
    return upgrade->Refuse(ProblemFor(
        ValidationError("Sec-WebSocket-Protocol",
                        "GraphQL over WebSocket speaks the graphql-transport-ws subprotocol"),
        request_id));
  }
  auto c = std::make_shared<Connection>();
  c->accepted_at = Now();
  c->origin = rpc::CallOrigin{request_id, log::FormatTraceParent(log::NewTraceParent())};
  if (limits_ != nullptr) c->client_ip = limits_->IpKey(request);
  http::WebSocketHandlers handlers;
  handlers.on_message = [this, weak = std::weak_ptr<Connection>(c)](const std::string& text) {
    if (auto c = weak.lock()) OnMessage(c, text);
  };
  handlers.on_closed = [this, c](int) {
    {
      std::lock_guard lock(mutex_);
      waiting_.erase(c);
    }
    std::unordered_map<std::string, std::shared_ptr<Subscription>> running;
    std::function<void()> release;
    {
      std::lock_guard lock(c->mutex);
      c->socket.reset();
      running.swap(c->running);
      release.swap(c->release);
    }
    for (auto& [id, s] : running) {
      if (s->subscriber) hub_.Remove(s->subscriber);
    }
    if (release) release();
  };
  {
    std::lock_guard lock(mutex_);
    waiting_.insert(c);
  }
  auto socket = upgrade->Accept(std::move(handlers), kSubprotocol);
  std::lock_guard lock(c->mutex);
  c->socket = std::move(socket);
}

std::size_t GraphQLSockets::CloseUninitialised(TimePoint now) {
  std::vector<std::shared_ptr<Connection>> late;
  {
    std::lock_guard lock(mutex_);
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (now - (*it)->accepted_at >= options_.init_timeout) {
        late.push_back(*it);
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& c : late) c->Close(kCloseInitTimeout, "Connection initialisation timeout");
  return late.size();
}

void GraphQLSockets::OnMessage(const std::shared_ptr<Connection>& c, const std::string& text) {
  json::error_code ec;
  auto parsed = json::parse(text, ec);
  const auto* message = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  const auto* type = message ? message->if_contains("type") : nullptr;
  if (type == nullptr || !type->is_string()) {
    return c->Close(kCloseBadMessage, "Invalid message received");
  }
  const std::string_view kind = type->as_string();
  if (kind == "connection_init") return Initialise(c, *message);
  if (kind == "ping") return c->Send({{"type", "pong"}});
  if (kind == "pong") return;
  if (kind == "subscribe") return Subscribe(c, *message);
  if (kind == "complete") {
    const auto* id = message->if_contains("id");
    if (id == nullptr || !id->is_string())
      return c->Close(kCloseBadMessage, "complete needs an id");
    std::shared_ptr<Subscription> done;
    {
      std::lock_guard lock(c->mutex);
      auto it = c->running.find(std::string(id->as_string()));
      if (it == c->running.end()) return;
      done = it->second;
      c->running.erase(it);
    }
    if (done->subscriber) hub_.Remove(done->subscriber);
    return;
  }
  c->Close(kCloseBadMessage, "Invalid message received");
}

void GraphQLSockets::Initialise(const std::shared_ptr<Connection>& c, const json::object& message) {
  {
    std::lock_guard lock(c->mutex);
    if (c->initialised) {
      if (c->socket) c->socket->Close(kCloseTooManyInits, "Too many initialisation requests");
      return;
    }
    c->initialised = true;
  }
  {
    std::lock_guard lock(mutex_);
    waiting_.erase(c);
  }
  const auto* payload = message.if_contains("payload");
  const std::string token =
      payload != nullptr && payload->is_object() ? TokenOf(payload->as_object()) : "";
  if (token.empty()) return Acknowledge(c);
  auth::Claims claims;
  try {
    claims = VerifyAccessToken(token, verifier_, keys_);
  } catch (const Error& e) {
    spdlog::info("GraphQL WebSocket refused: {} ({})", e.code(), e.what());
    return c->Close(kCloseForbidden, "Forbidden");
  }
  {
    std::lock_guard lock(c->mutex);
    c->caller = claims;
  }
  if (limits_ == nullptr) return Acknowledge(c);
  // A signed-in socket takes one of the user's WebSocket places, as GET /v1/ws does, so both
  // kinds count together. The place lasts until the socket closes, or at most until the token
  // expires (the user's subscriptions end then).
  limits_->CheckWebSocket(
      claims.subject, claims.expires_at, c->origin.request_id,
      [this, c, user = claims.subject](std::optional<http::Response> refusal,
                                       std::function<void()> release) {
        if (refusal) {
          spdlog::info("GraphQL WebSocket of {} refused: {}", user, refusal->status);
          const auto retry = refusal->headers.Get("Retry-After").value_or("1");
          return c->Close(kCloseTryAgainLater,
                          "Too many WebSockets for this user: try again in " + retry + " s");
        }
        {
          std::lock_guard lock(c->mutex);
          if (c->socket == nullptr) return release();  // closed while the limits decided
          c->release = std::move(release);
        }
        Acknowledge(c);
      });
}

void GraphQLSockets::Acknowledge(const std::shared_ptr<Connection>& c) {
  {
    std::lock_guard lock(c->mutex);
    c->acknowledged = true;
  }
  c->Send({{"type", "connection_ack"}});
}

void GraphQLSockets::Subscribe(const std::shared_ptr<Connection>& c, const json::object& message) {
  const auto* id_value = message.if_contains("id");
  if (id_value == nullptr || !id_value->is_string() || id_value->as_string().empty() ||
      id_value->as_string().size() > 128) {
    return c->Close(kCloseBadMessage, "subscribe needs an id");
  }
  const std::string id(id_value->as_string());
  std::optional<auth::Claims> caller;
  {
    std::lock_guard lock(c->mutex);
    if (!c->acknowledged) {
      if (c->socket) c->socket->Close(kCloseUnauthorized, "Unauthorized");
      return;
    }
    if (c->running.count(id)) {
      if (c->socket)
        c->socket->Close(kCloseDuplicateId, "Subscriber for " + id + " already exists");
      return;
    }
    caller = c->caller;
  }
  auto fail = [&](const json::object& errors_body) {
    c->Send({{"id", id}, {"type", "error"}, {"payload", errors_body.at("errors")}});
  };
  const auto* payload = message.if_contains("payload");
  if (payload == nullptr || !payload->is_object()) {
    return fail(ErrorBody("subscribe needs a payload {query, variables...}", "BAD_REQUEST"));
  }
  OperationRequest req;
  try {
    req = ReadOperationRequest(payload->as_object());
  } catch (const BadOperationRequest& bad) {
    return fail(ErrorBody(bad.message, bad.code));
  }
  auto prepared = documents_.ForRequest(req);
  if (!prepared->ok()) return fail(graphql::ErrorResponse(prepared->errors));
  const auto* operation = prepared->FindOperation(req.operation_name);
  if (operation == nullptr) {
    return fail(ErrorBody("no operation named '" + req.operation_name + "'",
                          "OPERATION_RESOLUTION_FAILURE"));
  }
  auto s = std::make_shared<Subscription>();
  s->id = id;
  s->prepared = prepared;
  s->request.operation_name = req.operation_name;
  s->request.variables = req.variables;
  rpc::CallOrigin origin = c->origin;  // downstream calls act for the verified user, if any
  if (caller) {
    origin.user_id = caller->subject;
    origin.user_role = caller->role;
  }
  s->request.context = ApiContext{origin, caller, c->client_ip};

  if (operation->operation != graphql::ast::OperationType::kSubscription) {
    // A query or a mutation: one result, then complete.
    engine_.Execute(prepared, s->request, [c, id](json::object result) {
      c->Send({{"id", id}, {"type", "next"}, {"payload", std::move(result)}});
      c->Send({{"id", id}, {"type", "complete"}});
    });
    return;
  }
  if (auto errors = engine_.CheckOperation(*prepared, s->request); !errors.empty()) {
    return fail(graphql::ErrorResponse(errors));  // bad variables, over the limits
  }
  const auto root = RootFieldOf(*prepared->document, *operation, req.variables);
  if (!root) return fail(ErrorBody("a subscription selects one field", "BAD_REQUEST"));
  if (!caller) {
    return fail(
        ErrorBody("subscriptions need a signed-in user: send Authorization in "
                  "connection_init's payload",
                  "unauthenticated"));
  }
  if (root->name == "dropEvents" && root->creator_id.empty()) {
    // Else the subscription would wait, silently, for the events of no creator.
    return fail(ErrorBody("dropEvents needs creatorId: an ID, given inline or as a variable",
                          graphql::codes::kBadUserInput));
  }
  s->root = *root;
  {
    std::lock_guard lock(c->mutex);
    if (!c->socket) return;
    if (c->running.size() >= options_.max_subscriptions) {
      c->socket->Send(
          Message({{"id", id},
                   {"type", "error"},
                   {"payload", ErrorBody("at most " + std::to_string(options_.max_subscriptions) +
                                             " subscriptions per connection",
                                         "TOO_MANY_SUBSCRIPTIONS")
                                   .at("errors")}}));
      return;
    }
    c->running.emplace(id, s);
  }
  auto outlet = std::make_shared<SubscriptionOutlet>(engine_, c, s);
  if (s->root.name == "dropEvents") {
    // The hub applies a user's follows and unfollows to every subscriber under that user's id;
    // dropEvents names its creator itself, follower or not, so it is kept under no user's id.
    s->subscriber = hub_.Add(kDropEventsAudience, outlet, caller->expires_at);
    hub_.SetInterests(s->subscriber, {s->root.creator_id});
    hub_.GoLive(s->subscriber);
    return;
  }
  // myNotifications: what /v1/ws would send, so the creators the user follows.
  s->subscriber = hub_.Add(caller->subject, outlet, caller->expires_at);
  LoadFollowing(
      followers_, caller->subject, c->origin, options_.max_following,
      [this, c, s](std::optional<Error> error, std::vector<std::string> creators) {
        if (error) {
          spdlog::warn("GraphQL subscription {}: cannot load follows: {}", s->id, error->what());
        }
        hub_.SetInterests(s->subscriber, creators);
        hub_.GoLive(s->subscriber);
      });
}

}  // namespace livedrop::gateway
