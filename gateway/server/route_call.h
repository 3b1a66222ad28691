#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/error.h"
#include "livedrop/grpc/client.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {

// One request in flight through the gateway: what a route handler reads and how it answers.
// Shared by the handler and any asynchronous downstream calls; answers exactly once.
class RouteCall : public std::enable_shared_from_this<RouteCall> {
 public:
  RouteCall(http::Request request, http::Responder responder, std::string request_id,
            std::string trace_parent);

  const http::Request& request() const { return request_; }
  const std::string& request_id() const { return request_id_; }
  // What downstream calls carry: the request id, the trace and the verified user (if any).
  rpc::CallOrigin origin() const {
    rpc::CallOrigin origin{request_id_, trace_parent_};
    if (caller_) {
      origin.user_id = caller_->subject;
      origin.user_role = caller_->role;
    }
    return origin;
  }

  // The authenticated caller; set by the gateway before an authenticated route runs.
  const auth::Claims& caller() const { return *caller_; }
  // The caller if one was verified (on an optional-access route: if a token came).
  const std::optional<auth::Claims>& caller_if_any() const { return caller_; }
  void set_caller(auth::Claims claims) { caller_ = std::move(claims); }

  const std::string& PathParam(const std::string& name) const;

  void ReplyJson(int status, std::string body);
  // A public read of one resource: 200 with the JSON body, its ETag (EntityTagOf(body) unless
  // given) and Cache-Control kPublicShortLived; or 304 with no body (and the same ETag and
  // Cache-Control) when the request's If-None-Match matches the tag.
  void ReplyPublic(std::string body);
  void ReplyPublic(std::string body, const std::string& etag);
  void ReplyEmpty(int status);
  void Fail(const Error& error);
  // Every answer: the request id, and Cache-Control `private, no-store` when a caller was
  // verified and the route set none (what is said to one user is no one else's).
  void Reply(http::Response response);

 private:
  http::Request request_;
  http::Responder responder_;
  std::string request_id_;
  std::string trace_parent_;
  std::optional<auth::Claims> caller_;
  std::atomic<bool> answered_{false};
};

using CallPtr = std::shared_ptr<RouteCall>;

}  // namespace livedrop::gateway
