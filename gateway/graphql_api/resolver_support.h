#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <utility>

#include "clients/unary_call.h"
#include "graphql/resolvers.h"
#include "graphql_api/api.h"
#include "server/json_body.h"
#include "server/rate_limits.h"

// What every resolver of the API uses: the context, the REST views as GraphQL nodes, pages as
// Relay connections, inputs in the REST shape, and the answer of a downstream call.
namespace livedrop::gateway::api {

const ApiContext& ContextOf(const graphql::FieldCall& call);

// Runs `then` once `limits` admit every check (at once without limits), holding a place among
// `cap` in flight for `key` if cap > 0 (`then` gets the function that gives it back); a refusal
// fails the field with rate_limited / too_many_in_flight (RESOURCE_EXHAUSTED, retry_after).
void Limited(RateLimits* limits, const graphql::FieldCall& call, std::vector<LimitCheck> checks,
             std::function<void(std::function<void()> release)> then, const std::string& name = "",
             const std::string& key = "", int cap = 0);
// The verified caller; unauthenticated (as at a REST route that needs a token) without one.
const auth::Claims& CallerOf(const graphql::FieldCall& call);

// A REST view (routes/views.h) as a GraphQL object: members camelCased (display_name is
// displayName), recursively. The views stay the one description of what a client sees.
boost::json::value Node(const boost::json::object& view);
// A field of a REST enum ("sold_out") as the GraphQL enum value (SOLD_OUT), and back.
std::string EnumValue(const std::string& rest_name);
std::string RestName(const std::string& enum_value);
// A resolver answering the parent's REST enum member `member` as the GraphQL enum value.
std::function<boost::json::value(const graphql::FieldCall&)> EnumMember(std::string member);

// {"edges": [{"cursor", "node"}], "pageInfo": {"hasNextPage", "endCursor"}} of one page;
// cursors[i] resumes after nodes[i].
boost::json::object Connection(boost::json::array nodes, std::vector<std::string> cursors,
                               const std::string& next_cursor);
std::vector<std::string> Cursors(const google::protobuf::RepeatedPtrField<std::string>& cursors);
// `first` and `after` of a connection field, checked as ?limit= and ?cursor= are.
int FirstOf(const graphql::FieldCall& call);
std::string AfterOf(const graphql::FieldCall& call);

// The argument `name` (an input object) in the REST shape: members snake_cased, for
// routes/requests.
JsonBody InputOf(const graphql::FieldCall& call, const char* name = "input");
std::string StringArg(const graphql::FieldCall& call, const char* name);

// The usual end of a resolver: the field's value is view(response), or the service's error.
template <class Response, class View>
Done<Response> Answer(graphql::FieldCall call, View view) {
  return [call = std::move(call), view = std::move(view)](Outcome<Response> outcome) {
    if (auto* error = std::get_if<Error>(&outcome)) return call.Fail(*error);
    call.Resolve(view(std::get<Response>(outcome)));
  };
}

// As Answer, for a lookup by id: what does not exist (not_found) is null, not an error.
template <class Response, class View>
Done<Response> AnswerOrNull(graphql::FieldCall call, View view) {
  return [call = std::move(call), view = std::move(view)](Outcome<Response> outcome) {
    if (auto* error = std::get_if<Error>(&outcome)) {
      if (error->kind() == ErrorKind::kNotFound) return call.Resolve(boost::json::value(nullptr));
      return call.Fail(*error);
    }
    call.Resolve(view(std::get<Response>(outcome)));
  };
}

}  // namespace livedrop::gateway::api
