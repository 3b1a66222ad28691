#include "json_body.h"

#include <boost/json.hpp>

#include "livedrop/core/error.h"
#include "livedrop/grpc/reason.h"

namespace livedrop::gateway {
namespace json = boost::json;

JsonBody JsonBody::Parse(const http::Request& request) {
  const auto content_type = request.headers.Get("Content-Type");
  if (content_type && content_type->find("application/json") == std::string::npos &&
      content_type->find("+json") == std::string::npos) {
    throw rpc::ReasonError(ErrorKind::kInvalidArgument, common::v1::REASON_UNSUPPORTED_MEDIA_TYPE,
                           "request body must be application/json");
  }
  json::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  json::value value = json::parse(request.body, ec, {}, options);
  if (ec) {
    throw Error(ErrorKind::kInvalidArgument, "malformed_json",
                "request body is not valid JSON: " + ec.message());
  }
  if (!value.is_object()) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                "request body must be a JSON object");
  }
  return JsonBody(std::move(value.as_object()));
}

std::optional<std::string> JsonBody::OptionalString(const char* field, std::size_t max_length,
                                                    TextKind kind) const {
  const auto* v = object_.if_contains(field);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw ValidationError(field, std::string(field) + " must be a string");
  if (v->as_string().size() > max_length) {
    throw ValidationError(
        field, std::string(field) + " must be at most " + std::to_string(max_length) + " bytes");
  }
  RequirePlainText(field, v->as_string(), kind);
  return std::string(v->as_string());
}

std::string JsonBody::RequiredString(const char* field, std::size_t max_length,
                                     TextKind kind) const {
  auto value = OptionalString(field, max_length, kind);
  if (!value) throw ValidationError(field, std::string(field) + " is required");
  return *value;
}

std::optional<bool> JsonBody::OptionalBool(const char* field) const {
  const auto* v = object_.if_contains(field);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_bool()) throw ValidationError(field, std::string(field) + " must be true or false");
  return v->as_bool();
}

std::optional<std::int64_t> JsonBody::OptionalInt(const char* field) const {
  const auto* v = object_.if_contains(field);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  throw ValidationError(field, std::string(field) + " must be an integer");
}

std::int64_t JsonBody::RequiredInt(const char* field) const {
  auto value = OptionalInt(field);
  if (!value) throw ValidationError(field, std::string(field) + " is required");
  return *value;
}

int JsonBody::RequiredInt32(const char* field) const {
  const auto value = RequiredInt(field);
  if (value < INT32_MIN || value > INT32_MAX) {
    throw ValidationError(field, std::string(field) + " is out of range");
  }
  return static_cast<int>(value);
}

std::vector<std::string> JsonBody::OptionalStringArray(const char* field, std::size_t max_items,
                                                       std::size_t max_length) const {
  std::vector<std::string> out;
  const auto* v = object_.if_contains(field);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) throw ValidationError(field, std::string(field) + " must be an array");
  if (v->as_array().size() > max_items) {
    throw ValidationError(field, std::string(field) + " has too many items");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().size() > max_length) {
      throw ValidationError(field, std::string(field) + " must hold strings of at most " +
                                       std::to_string(max_length) + " bytes");
    }
    RequirePlainText(field, item.as_string());
    out.emplace_back(item.as_string());
  }
  return out;
}

TimePoint JsonBody::RequiredTime(const char* field) const {
  const auto text = RequiredString(field, 64);
  const auto t = ParseRfc3339(text);
  if (!t) {
    throw ValidationError(
        field, std::string(field) + " must be an RFC 3339 time such as 2026-12-01T18:00:00Z");
  }
  return *t;
}

}  // namespace livedrop::gateway
