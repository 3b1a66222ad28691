#include "graphql_api/operation_request.h"

#include <boost/json.hpp>

namespace livedrop::gateway {
namespace json = boost::json;
namespace {

constexpr char kBadRequest[] = "BAD_REQUEST";

json::object ObjectMember(const json::value* value, const char* name) {
  if (value == nullptr || value->is_null()) return {};
  json::value parsed = *value;
  if (value->is_string()) {
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 64;
    parsed = json::parse(value->as_string(), ec, {}, options);
    if (ec) throw BadOperationRequest{400, std::string(name) + " is not valid JSON", kBadRequest};
  }
  if (!parsed.is_object()) {
    throw BadOperationRequest{400, std::string(name) + " must be a map", kBadRequest};
  }
  return std::move(parsed.as_object());
}

std::string StringMember(const json::object& params, const char* name) {
  const auto* value = params.if_contains(name);
  if (value == nullptr || value->is_null()) return "";
  if (!value->is_string()) {
    throw BadOperationRequest{400, std::string(name) + " must be a string", kBadRequest};
  }
  return std::string(value->as_string());
}

}  // namespace

OperationRequest ReadOperationRequest(const json::object& params) {
  OperationRequest out;
  out.query = StringMember(params, "query");
  out.operation_name = StringMember(params, "operationName");
  out.variables = ObjectMember(params.if_contains("variables"), "variables");
  const auto extensions = ObjectMember(params.if_contains("extensions"), "extensions");
  if (const auto* persisted = extensions.if_contains("persistedQuery")) {
    const auto* hash =
        persisted->is_object() ? persisted->as_object().if_contains("sha256Hash") : nullptr;
    if (hash == nullptr || !hash->is_string() || hash->as_string().size() != 64) {
      throw BadOperationRequest{400, "persistedQuery.sha256Hash must be a SHA-256 in hex",
                                kBadRequest};
    }
    out.persisted_hash = std::string(hash->as_string());
  }
  if (out.query.empty() && !out.persisted_hash) {
    throw BadOperationRequest{400, "a query is required", kBadRequest};
  }
  return out;
}

json::object ErrorBody(const std::string& message, const std::string& code) {
  return {{"errors", json::array{json::object{{"message", message},
                                              {"extensions", json::object{{"code", code}}}}}}};
}

}  // namespace livedrop::gateway
