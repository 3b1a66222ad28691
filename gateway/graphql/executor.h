#pragma once

#include <any>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>

#include "graphql/ast.h"
#include "graphql/resolvers.h"
#include "graphql/schema.h"

namespace livedrop::graphql {

// One operation ready to run: a validated document, the chosen operation and its coerced
// variables.
struct ExecutionInput {
  std::shared_ptr<const Schema> schema;
  std::shared_ptr<const Resolvers> resolvers;
  std::shared_ptr<const ast::Document> document;
  const ast::OperationDefinition* operation = nullptr;  // points into document
  boost::json::object variables;
  std::any context;
  boost::json::value root_value;  // the root object's value (a subscription's event)
};

// {"data": ..., "errors": [...]} (no "errors" when there are none).
using ResponseCallback = std::function<void(boost::json::object response)>;

// Runs the operation without blocking: resolvers answer through their FieldCall from any thread,
// the work of one request is serialized (one thread at a time drains its queue), each batch
// loader's keys go out as one call whenever the request has no other work at hand, and `done`
// is called once, on the thread that finished the last piece of work.
void Execute(ExecutionInput input, ResponseCallback done);

}  // namespace livedrop::graphql
