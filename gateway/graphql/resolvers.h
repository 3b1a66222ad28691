#pragma once

#include <any>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::graphql {

namespace detail {
struct FieldCallState;
struct BatchCallState;
}  // namespace detail

// What a resolver or a batch loader answers for one value: the value, or a failure that becomes
// a field error with `message` and `extensions.code`.
class Outcome {
 public:
  static Outcome Value(boost::json::value value);
  static Outcome Failure(std::string message, std::string code);
  static Outcome Failure(const livedrop::Error& error);

  bool ok() const { return !failed_; }
  const boost::json::value& value() const { return value_; }
  const std::string& message() const { return message_; }
  const std::string& code() const { return code_; }

 private:
  bool failed_ = false;
  boost::json::value value_;
  std::string message_;
  std::string code_;
};

// One field being resolved. Copyable and thread-safe: keep it, start the backend call, and answer
// later from any thread with exactly one of Resolve / Fail / Load.
class FieldCall {
 public:
  explicit FieldCall(std::shared_ptr<detail::FieldCallState> state) : state_(std::move(state)) {}

  const boost::json::value& parent() const;  // the parent object's value
  const boost::json::object& args() const;   // coerced arguments, defaults applied
  const std::any& context() const;           // the request's context (e.g. the caller)
  const std::string& type_name() const;      // parent type
  const std::string& field_name() const;

  void Resolve(boost::json::value value) const;
  void Resolve(Outcome outcome) const;
  void Fail(std::string message, std::string code) const;
  void Fail(const livedrop::Error& error) const;
  // Asks the request's batch loader `loader` for `key`; the loaded value is the field's value.
  // Keys asked for while the request has synchronous work left go out as one batch.
  void Load(std::string loader, boost::json::value key) const;
  // As above, handing the outcome to `then`, which answers this call (e.g. after reshaping).
  void Load(std::string loader, boost::json::value key,
            std::function<void(const FieldCall&, const Outcome&)> then) const;

 private:
  std::shared_ptr<detail::FieldCallState> state_;
};

// One batch of distinct keys for a loader; answer with one outcome per key, in order, from any
// thread.
class BatchCall {
 public:
  explicit BatchCall(std::shared_ptr<detail::BatchCallState> state) : state_(std::move(state)) {}

  const std::vector<boost::json::value>& keys() const;
  const std::any& context() const;
  void Resolve(std::vector<Outcome> outcomes) const;
  void Fail(const livedrop::Error& error) const;  // every key fails alike

 private:
  std::shared_ptr<detail::BatchCallState> state_;
};

using Resolver = std::function<void(FieldCall call)>;
// The object type of a value of an abstract type; empty for "cannot tell".
using TypeResolver = std::function<std::string(const boost::json::value& value)>;
using BatchLoader = std::function<void(BatchCall call)>;

// What runs the schema: field resolvers, type resolvers for interfaces and unions, and batch
// loaders. A field without a resolver reads the parent object's property of the same name; an
// abstract type without a type resolver reads the value's "__typename".
class Resolvers {
 public:
  Resolvers& Field(const std::string& type, const std::string& field, Resolver resolver);
  // A resolver that answers at once with what `fn` returns (exceptions become field errors).
  Resolvers& SyncField(const std::string& type, const std::string& field,
                       std::function<boost::json::value(const FieldCall&)> fn);
  Resolvers& Type(const std::string& abstract_type, TypeResolver resolver);
  Resolvers& Loader(const std::string& name, BatchLoader loader);

  const Resolver* FindField(std::string_view type, std::string_view field) const;
  const TypeResolver* FindType(std::string_view type) const;
  const BatchLoader* FindLoader(std::string_view name) const;

 private:
  std::unordered_map<std::string, Resolver> fields_;  // "Type.field"
  std::unordered_map<std::string, TypeResolver> types_;
  std::unordered_map<std::string, BatchLoader> loaders_;
};

}  // namespace livedrop::graphql
