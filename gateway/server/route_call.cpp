#include "route_call.h"

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
  responder_(std::move(response));
}

void RouteCall::ReplyJson(int status, std::string body) {
  Reply(http::Response::Json(status, std::move(body)));
}

void RouteCall::ReplyEmpty(int status) {
  http::Response response;
  response.status = status;
  Reply(std::move(response));
}

void RouteCall::Fail(const Error& error) { Reply(ProblemFor(error, request_id_)); }

}  // namespace livedrop::gateway
