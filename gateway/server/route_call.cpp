#include "route_call.h"

#include "conditional.h"
#include "http_errors.h"

namespace livedrop::gateway {

RouteCall::RouteCall(http::Request request, http::Responder responder, std::string request_id,
                     std::string trace_parent)
    : request_(std::move(request)),
      responder_(std::move(responder)),
      request_id_(std::move(request_id)),
      trace_parent_(std::move(trace_parent)) {}

const std::string& RouteCall::PathParam(const std::string& name) const {
  static const std::string kEmpty;
  const auto it = request_.path_params.find(name);
  return it == request_.path_params.end() ? kEmpty : it->second;
}

void RouteCall::Reply(http::Response response) {
  if (answered_.exchange(true)) return;
  response.headers.Set("X-Request-Id", request_id_);
  if (caller_ && !response.headers.Get("Cache-Control")) {
    response.headers.Set("Cache-Control", conditional::kPrivate);
  }
  responder_(std::move(response));
}

void RouteCall::ReplyJson(int status, std::string body) {
  Reply(http::Response::Json(status, std::move(body)));
}

void RouteCall::ReplyPublic(std::string body) {
  const auto etag = conditional::EntityTagOf(body);
  ReplyPublic(std::move(body), etag);
}

void RouteCall::ReplyPublic(std::string body, const std::string& etag) {
  http::Response response;
  const auto if_none_match = request_.headers.Get("If-None-Match");
  if (if_none_match && conditional::NoneMatchMatches(*if_none_match, etag)) {
    response.status = 304;
  } else {
    response = http::Response::Json(200, std::move(body));
  }
  response.headers.Set("ETag", etag);
  response.headers.Set("Cache-Control", conditional::kPublicShortLived);
  Reply(std::move(response));
}

void RouteCall::ReplyEmpty(int status) {
  http::Response response;
  response.status = status;
  Reply(std::move(response));
}

void RouteCall::Fail(const Error& error) { Reply(ProblemFor(error, request_id_)); }

}  // namespace livedrop::gateway
