#pragma once

#include <boost/json/serialize.hpp>

#include "clients/unary_call.h"
#include "server/route_call.h"

namespace livedrop::gateway {

// The usual end of a route: answer `status` with the JSON view of the service's response, or
// the service's error as problem+json.
template <class Response, class View>
Done<Response> Answer(const CallPtr& call, int status, View view) {
  return [call, status, view](Outcome<Response> outcome) {
    if (auto* error = std::get_if<Error>(&outcome)) return call->Fail(*error);
    call->ReplyJson(status, boost::json::serialize(view(std::get<Response>(outcome))));
  };
}

// The end of a public read of one resource: its JSON view with an ETag (If-None-Match → 304)
// and a Cache-Control that lets a shared cache keep it for a second.
template <class Response, class View>
Done<Response> AnswerCacheable(const CallPtr& call, View view) {
  return [call, view](Outcome<Response> outcome) {
    if (auto* error = std::get_if<Error>(&outcome)) return call->Fail(*error);
    call->ReplyPublic(boost::json::serialize(view(std::get<Response>(outcome))));
  };
}

}  // namespace livedrop::gateway
