#pragma once

#include <any>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "graphql/ast.h"
#include "graphql/executor.h"
#include "graphql/graphql_error.h"
#include "graphql/parser.h"
#include "graphql/query_limits.h"
#include "graphql/resolvers.h"
#include "graphql/schema.h"

namespace livedrop::graphql {

struct EngineOptions {
  ParseLimits parse;
  QueryLimits limits;
};

// A document parsed, validated and checked against the limits once; immutable, so it can be
// cached (e.g. by its SHA-256 for persisted queries) and executed many times.
struct PreparedDocument {
  std::shared_ptr<const ast::Document> document;  // null when errors is not empty
  GraphQLErrors errors;                           // parse, validation or limit errors

  bool ok() const { return errors.empty(); }
  // The operation `name` selects (empty: the only one), or null.
  const ast::OperationDefinition* FindOperation(const std::string& name) const;
};

struct Request {
  std::string query;
  std::string operation_name;  // empty when not given
  boost::json::object variables;
  std::any context;               // handed to resolvers and loaders
  boost::json::value root_value;  // the root value (for a subscription: the event)
};

// The GraphQL engine over one schema: prepares documents and executes operations with the
// resolvers, never blocking (see Execute in executor.h). Thread-safe.
//
//   auto schema = Schema::FromSdl(sdl_text);  // throws SchemaError
//   Resolvers r;
//   r.Field("Query", "drops", [clients](FieldCall call) {
//     clients->ListDrops(call.args(), [call](Status s, Reply reply) {  // any thread
//       s.ok() ? call.Resolve(ToJson(reply)) : call.Fail(ToError(s));
//     });
//   });
//   r.Field("Drop", "creator",
//           [](FieldCall call) { call.Load("users", call.parent().at("creatorId")); });
//   r.Loader("users", [clients](BatchCall batch) {  // one call for all keys of a round
//     clients->GetUsers(batch.keys(), [batch](std::vector<Outcome> users) {
//       batch.Resolve(std::move(users));
//     });
//   });
//   Engine engine(schema, std::move(r));
//   engine.Execute(Request{query, operation_name, variables, caller}, [](json::object response) {
//     /* write json::serialize(response) */
//   });
class Engine {
 public:
  Engine(std::shared_ptr<const Schema> schema, Resolvers resolvers, EngineOptions options = {});

  std::shared_ptr<const PreparedDocument> Prepare(std::string_view query) const;

  // The whole pipeline: parse, validate, limits, operation, variables, execution. `done` gets
  // the response: {"errors": [...]} alone for a request error, else {"data": ..., "errors"?}.
  void Execute(Request request, ResponseCallback done) const;
  void Execute(const std::shared_ptr<const PreparedDocument>& prepared, Request request,
               ResponseCallback done) const;
  // One event of a subscription: the subscription's selection set run against `event` (the
  // root value, whose properties the root fields read unless they have resolvers).
  // What Execute checks before it runs anything (the operation, its variables' coercion and the
  // limits), without running it: empty when the operation could run. A subscription is checked
  // once when it starts, so a bad variable or an over-costly selection is refused at subscribe
  // time rather than on its first event.
  GraphQLErrors CheckOperation(const PreparedDocument& prepared, const Request& request) const;
  void ExecuteSubscriptionEvent(const std::shared_ptr<const PreparedDocument>& prepared,
                                Request request, boost::json::value event,
                                ResponseCallback done) const;

  const Schema& schema() const { return *schema_; }

 private:
  // The operation `request` selects with its coerced variables, or the request errors.
  const ast::OperationDefinition* Plan(const PreparedDocument& prepared, const Request& request,
                                       boost::json::object& variables, GraphQLErrors& errors) const;

  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<const Resolvers> resolvers_;
  EngineOptions options_;
};

// {"errors": [...]}: the response to a request that could not be executed.
boost::json::object ErrorResponse(const GraphQLErrors& errors);

}  // namespace livedrop::graphql
