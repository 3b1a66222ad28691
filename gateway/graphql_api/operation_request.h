#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace livedrop::gateway {

// One GraphQL request's parameters, as both transports receive them (a POST body, a GET query
// string, a WebSocket `subscribe` payload): {query, operationName, variables, extensions}.
struct OperationRequest {
  std::string query;  // empty when only a persisted query's hash came
  std::string operation_name;
  boost::json::object variables;
  std::optional<std::string> persisted_hash;  // extensions.persistedQuery.sha256Hash
};

// Parameters that are not a GraphQL request at all (no query, variables not a map...): answered
// before any document is looked at, with this HTTP status.
struct BadOperationRequest {
  int status;
  std::string message;
  std::string code;
};

// Reads the parameters; `variables` and `extensions` may be objects or JSON text (GET). Throws
// BadOperationRequest.
OperationRequest ReadOperationRequest(const boost::json::object& params);

// {"errors": [{"message", "extensions": {"code"}}]}
boost::json::object ErrorBody(const std::string& message, const std::string& code);

}  // namespace livedrop::gateway
