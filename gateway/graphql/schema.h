#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graphql/ast.h"

namespace livedrop::graphql {

using ast::TypeRef;

enum class TypeKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

struct InputValue {
  std::string name;
  std::optional<std::string> description;
  TypeRef type;
  std::optional<boost::json::value> default_value;  // already coerced to the type
  std::optional<ast::Value> default_literal;        // as written
  std::optional<std::string> deprecation_reason;
};

struct Field {
  std::string name;
  std::optional<std::string> description;
  std::vector<InputValue> args;
  TypeRef type;
  std::optional<std::string> deprecation_reason;

  const InputValue* FindArg(std::string_view name) const;
};

struct EnumValue {
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> deprecation_reason;
};

struct NamedType {
  TypeKind kind = TypeKind::kScalar;
  std::string name;
  std::optional<std::string> description;
  std::optional<std::string> specified_by_url;  // kScalar
  bool built_in = false;                        // specified scalars and introspection types
  std::vector<Field> fields;                    // kObject, kInterface
  std::vector<std::string> interfaces;          // kObject, kInterface
  std::vector<std::string> members;             // kUnion
  std::vector<EnumValue> enum_values;           // kEnum
  std::vector<InputValue> input_fields;         // kInputObject

  const Field* FindField(std::string_view name) const;
  const InputValue* FindInputField(std::string_view name) const;
  const EnumValue* FindEnumValue(std::string_view name) const;
  bool IsLeaf() const { return kind == TypeKind::kScalar || kind == TypeKind::kEnum; }
  bool IsComposite() const {
    return kind == TypeKind::kObject || kind == TypeKind::kInterface || kind == TypeKind::kUnion;
  }
  bool IsAbstract() const { return kind == TypeKind::kInterface || kind == TypeKind::kUnion; }
  bool IsInput() const { return IsLeaf() || kind == TypeKind::kInputObject; }
  bool IsOutput() const { return kind != TypeKind::kInputObject; }
};

struct DirectiveType {
  std::string name;
  std::optional<std::string> description;
  std::vector<InputValue> args;
  std::vector<std::string> locations;
  bool repeatable = false;
  bool built_in = false;

  const InputValue* FindArg(std::string_view name) const;
};

// The problems found in SDL (all of them, one per line).
class SchemaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A validated, immutable type system: the built-in scalars, directives and introspection
// types plus those of the SDL it was built from.
class Schema {
 public:
  // Throws SchemaError when the SDL does not parse or does not describe a valid schema.
  static std::shared_ptr<const Schema> FromSdl(std::string_view sdl);

  const NamedType* FindType(std::string_view name) const;
  const DirectiveType* FindDirective(std::string_view name) const;
  const NamedType* RootType(ast::OperationType operation) const;
  const NamedType* QueryType() const { return RootType(ast::OperationType::kQuery); }
  const std::optional<std::string>& description() const { return description_; }

  // In graphql-js's order: each SDL type (in definition order) followed by the specified
  // scalars it is the first to use, then the introspection types.
  const std::vector<const NamedType*>& Types() const { return type_order_; }
  const std::vector<const DirectiveType*>& Directives() const { return directive_order_; }

  // The object types a value of an abstract type can have (for an object: itself).
  const std::vector<const NamedType*>& PossibleTypes(const NamedType& type) const;
  bool IsPossibleType(const NamedType& abstract, const NamedType& object) const;
  // Whether a value of type `sub` is always a valid `super` (for variables in positions).
  bool IsSubType(const TypeRef& sub, const TypeRef& super) const;
  // Whether two composite types can have a value in common (for fragment spreads).
  bool Overlap(const NamedType& a, const NamedType& b) const;

 private:
  friend class SchemaBuilder;
  Schema() = default;

  std::optional<std::string> description_;
  std::vector<std::unique_ptr<NamedType>> types_;
  std::vector<std::unique_ptr<DirectiveType>> directives_;
  std::unordered_map<std::string, const NamedType*> types_by_name_;
  std::unordered_map<std::string, const DirectiveType*> directives_by_name_;
  std::vector<const NamedType*> type_order_;
  std::vector<const DirectiveType*> directive_order_;
  std::unordered_map<std::string, std::vector<const NamedType*>> possible_types_;
  const NamedType* roots_[3] = {nullptr, nullptr, nullptr};
};

}  // namespace livedrop::graphql
