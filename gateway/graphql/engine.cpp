#include "graphql/engine.h"

#include "graphql/error_codes.h"
#include "graphql/introspection.h"
#include "graphql/validator.h"
#include "graphql/value_coercion.h"

namespace livedrop::graphql {
namespace json = boost::json;
namespace {

// CoerceVariableValues (specification 6.4.2), in graphql-js's words.
std::optional<json::object> CoerceVariables(const Schema& schema,
                                            const ast::OperationDefinition& op,
                                            const json::object& given, GraphQLErrors& errors) {
  json::object out;
  for (const ast::VariableDefinition& def : op.variables) {
    const std::string type = def.type.ToString();
    auto fail = [&](std::string message) {
      errors.push_back({std::move(message), {def.loc}, {}, codes::kBadUserInput});
    };
    const NamedType* named = schema.FindType(def.type.NamedType());
    if (!named || !named->IsInput()) {
      fail("Variable \"$" + def.name + "\" expected value of type \"" + type +
           "\" which cannot be used as an input type.");
      continue;
    }
    const json::value* value = given.if_contains(def.name);
    if (!value) {
      if (def.default_value) {
        if (std::optional<json::value> v =
                CoerceLiteral(*def.default_value, def.type, schema, nullptr)) {
          out[def.name] = std::move(*v);
        }
      } else if (def.type.IsNonNull()) {
        fail("Variable \"$" + def.name + "\" of required type \"" + type + "\" was not provided.");
      }
      continue;
    }
    if (value->is_null() && def.type.IsNonNull()) {
      fail("Variable \"$" + def.name + "\" of non-null type \"" + type + "\" must not be null.");
      continue;
    }
    InputError why;
    std::optional<json::value> v = CoerceInput(*value, def.type, schema, &why);
    if (!v) {
      std::string at = why.path.empty() ? "" : " at \"" + def.name + why.path + "\"";
      fail("Variable \"$" + def.name + "\" got invalid value " + Inspect(why.value) + at + "; " +
           why.message);
      continue;
    }
    out[def.name] = std::move(*v);
  }
  if (!errors.empty()) return std::nullopt;
  return out;
}

}  // namespace

const ast::OperationDefinition* PreparedDocument::FindOperation(const std::string& name) const {
  if (!document) return nullptr;
  if (name.empty()) {
    return document->operations.size() == 1 ? &document->operations[0] : nullptr;
  }
  for (const ast::OperationDefinition& op : document->operations) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

json::object ErrorResponse(const GraphQLErrors& errors) {
  return json::object{{"errors", ToJson(errors)}};
}

Engine::Engine(std::shared_ptr<const Schema> schema, Resolvers resolvers, EngineOptions options)
    : schema_(std::move(schema)), options_(options) {
  AddIntrospectionResolvers(*schema_, resolvers);
  resolvers_ = std::make_shared<const Resolvers>(std::move(resolvers));
}

std::shared_ptr<const PreparedDocument> Engine::Prepare(std::string_view query) const {
  auto prepared = std::make_shared<PreparedDocument>();
  ParseResult parsed = Parse(query, options_.parse);
  if (!parsed.document) {
    prepared->errors.push_back(*parsed.error);
    return prepared;
  }
  prepared->errors = Validate(*schema_, *parsed.document);
  if (prepared->errors.empty()) prepared->document = std::move(parsed.document);
  return prepared;
}

void Engine::Execute(Request request, ResponseCallback done) const {
  std::shared_ptr<const PreparedDocument> prepared = Prepare(request.query);
  Execute(prepared, std::move(request), std::move(done));
}

const ast::OperationDefinition* Engine::Plan(const PreparedDocument& prepared,
                                             const Request& request, json::object& variables,
                                             GraphQLErrors& errors) const {
  if (!prepared.ok()) {
    errors = prepared.errors;
    return nullptr;
  }
  const ast::OperationDefinition* op = prepared.FindOperation(request.operation_name);
  if (!op) {
    std::string message =
        !request.operation_name.empty()
            ? "Unknown operation named \"" + request.operation_name + "\"."
        : prepared.document->operations.empty()
            ? "Must provide an operation."
            : "Must provide operation name if query contains multiple operations.";
    errors.push_back(GraphQLError{message, {}, {}, codes::kOperationNotFound});
    return nullptr;
  }
  std::optional<json::object> coerced = CoerceVariables(*schema_, *op, request.variables, errors);
  if (!coerced) return nullptr;
  errors = CheckLimits(*schema_, *prepared.document, *op, *coerced, options_.limits);
  if (!errors.empty()) return nullptr;
  variables = std::move(*coerced);
  return op;
}

GraphQLErrors Engine::CheckOperation(const PreparedDocument& prepared,
                                     const Request& request) const {
  json::object variables;
  GraphQLErrors errors;
  Plan(prepared, request, variables, errors);
  return errors;
}

void Engine::Execute(const std::shared_ptr<const PreparedDocument>& prepared, Request request,
                     ResponseCallback done) const {
  json::object variables;
  GraphQLErrors errors;
  const ast::OperationDefinition* op = Plan(*prepared, request, variables, errors);
  if (!op) {
    done(ErrorResponse(errors));
    return;
  }
  ExecutionInput input;
  input.schema = schema_;
  input.resolvers = resolvers_;
  input.document = prepared->document;
  input.operation = op;
  input.variables = std::move(variables);
  input.context = std::move(request.context);
  input.root_value = std::move(request.root_value);
  graphql::Execute(std::move(input), std::move(done));
}

void Engine::ExecuteSubscriptionEvent(const std::shared_ptr<const PreparedDocument>& prepared,
                                      Request request, json::value event,
                                      ResponseCallback done) const {
  request.root_value = std::move(event);
  Execute(prepared, std::move(request), std::move(done));
}

}  // namespace livedrop::graphql
