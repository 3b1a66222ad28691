#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/text.h"
#include "livedrop/core/time.h"
#include "livedrop/http/message.h"

namespace livedrop::gateway {

// A request body read as a JSON object, with field accessors that throw clear
// validation errors (400, code validation_failed, naming the field). Every string read holds
// no control character (RequirePlainText); only a kMultiline one may break lines.
class JsonBody {
 public:
  // Throws 415 unsupported_media_type for a non-JSON Content-Type, 400 malformed_json for
  // unparsable input, 400 validation_failed when the top level is not an object.
  static JsonBody Parse(const http::Request& request);
  // An object already parsed (a GraphQL input in the REST shape).
  static JsonBody Of(boost::json::object object) { return JsonBody(std::move(object)); }

  std::string RequiredString(const char* field, std::size_t max_length = 1024,
                             TextKind kind = TextKind::kLine) const;
  std::optional<std::string> OptionalString(const char* field, std::size_t max_length = 1024,
                                            TextKind kind = TextKind::kLine) const;
  std::int64_t RequiredInt(const char* field) const;
  // An int that must fit in 32 bits.
  int RequiredInt32(const char* field) const;
  std::vector<std::string> OptionalStringArray(const char* field, std::size_t max_items,
                                               std::size_t max_length) const;
  // An RFC 3339 timestamp.
  TimePoint RequiredTime(const char* field) const;
  std::optional<std::int64_t> OptionalInt(const char* field) const;
  std::optional<bool> OptionalBool(const char* field) const;

  const boost::json::object& object() const { return object_; }

 private:
  explicit JsonBody(boost::json::object object) : object_(std::move(object)) {}
  boost::json::object object_;
};

}  // namespace livedrop::gateway
