#include "graphql/resolvers.h"

namespace livedrop::graphql {

Outcome Outcome::Value(boost::json::value value) {
  Outcome o;
  o.value_ = std::move(value);
  return o;
}

Outcome Outcome::Failure(std::string message, std::string code) {
  Outcome o;
  o.failed_ = true;
  o.message_ = std::move(message);
  o.code_ = std::move(code);
  return o;
}

Outcome Outcome::Failure(const livedrop::Error& error) {
  // Internal details stay in the logs, as at the REST boundary.
  if (error.kind() == ErrorKind::kInternal) return Failure("Internal server error", error.code());
  return Failure(error.what(), error.code());
}

Resolvers& Resolvers::Field(const std::string& type, const std::string& field, Resolver resolver) {
  fields_[type + "." + field] = std::move(resolver);
  return *this;
}

Resolvers& Resolvers::SyncField(const std::string& type, const std::string& field,
                                std::function<boost::json::value(const FieldCall&)> fn) {
  return Field(type, field, [fn = std::move(fn)](FieldCall call) { call.Resolve(fn(call)); });
}

Resolvers& Resolvers::Type(const std::string& abstract_type, TypeResolver resolver) {
  types_[abstract_type] = std::move(resolver);
  return *this;
}

Resolvers& Resolvers::Loader(const std::string& name, BatchLoader loader) {
  loaders_[name] = std::move(loader);
  return *this;
}

const Resolver* Resolvers::FindField(std::string_view type, std::string_view field) const {
  std::string key;
  key.reserve(type.size() + field.size() + 1);
  key.append(type).append(".").append(field);
  auto it = fields_.find(key);
  return it == fields_.end() ? nullptr : &it->second;
}

const TypeResolver* Resolvers::FindType(std::string_view type) const {
  auto it = types_.find(std::string(type));
  return it == types_.end() ? nullptr : &it->second;
}

const BatchLoader* Resolvers::FindLoader(std::string_view name) const {
  auto it = loaders_.find(std::string(name));
  return it == loaders_.end() ? nullptr : &it->second;
}

}  // namespace livedrop::graphql
