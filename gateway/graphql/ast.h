#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

// The syntax tree of a GraphQL document (executable and type system definitions), as the
// parser builds it. Every node knows where it starts (1-based line and column, in UTF-16 code
// units like graphql-js).
namespace livedrop::graphql {

struct Location {
  int line = 0;
  int column = 0;
  bool operator==(const Location&) const = default;
};

}  // namespace livedrop::graphql

namespace livedrop::graphql::ast {

enum class ValueKind { kVariable, kInt, kFloat, kString, kBoolean, kNull, kEnum, kList, kObject };

struct ObjectField;

struct Value {
  ValueKind kind = ValueKind::kNull;
  Location loc;
  // Variable name (without $), the digits of an Int or Float, a String's cooked value, an enum
  // value's name, or "true"/"false".
  std::string text;
  bool block = false;               // a String written as a block string
  std::vector<Value> list;          // kList
  std::vector<ObjectField> fields;  // kObject
};

struct ObjectField {
  std::string name;
  Location loc;
  Value value;
};

struct Argument {
  std::string name;
  Location loc;
  Value value;
};

struct Directive {
  std::string name;
  Location loc;
  std::vector<Argument> arguments;
};

// A type as written: Name, [T] or T!.
struct TypeRef {
  enum class Kind { kNamed, kList, kNonNull };
  Kind kind = Kind::kNamed;
  std::string name;                   // kNamed
  std::shared_ptr<const TypeRef> of;  // kList, kNonNull
  Location loc;

  static TypeRef Named(std::string name);
  static TypeRef ListOf(TypeRef of);
  static TypeRef NonNullOf(TypeRef of);
  bool IsNonNull() const { return kind == Kind::kNonNull; }
  bool IsList() const { return kind == Kind::kList; }
  // The named type under the wrappers.
  const std::string& NamedType() const;
  // Without a top-level `!`.
  const TypeRef& Nullable() const { return IsNonNull() ? *of : *this; }
  std::string ToString() const;  // "[Int!]!"
  bool SameAs(const TypeRef& other) const;
};

enum class SelectionKind { kField, kFragmentSpread, kInlineFragment };

struct Selection;

struct SelectionSet {
  Location loc;
  std::vector<Selection> selections;
};

struct Selection {
  SelectionKind kind = SelectionKind::kField;
  Location loc;
  std::string alias;  // kField, empty when none
  std::string name;   // field name (kField) or fragment name (kFragmentSpread)
  Location name_loc;
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  std::string type_condition;  // kInlineFragment, empty when none
  Location type_condition_loc;
  bool has_selection_set = false;
  SelectionSet selection_set;

  const std::string& ResponseName() const { return alias.empty() ? name : alias; }
};

enum class OperationType { kQuery, kMutation, kSubscription };
const char* ToString(OperationType type);

struct VariableDefinition {
  std::string name;
  Location loc;       // of the "$"
  Location name_loc;  // of the name after it
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct OperationDefinition {
  OperationType operation = OperationType::kQuery;
  std::string name;  // empty for anonymous
  Location loc;
  Location name_loc;
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  SelectionSet selection_set;
};

struct FragmentDefinition {
  std::string name;
  Location loc;
  Location name_loc;
  std::string type_condition;
  Location type_condition_loc;
  std::vector<Directive> directives;
  SelectionSet selection_set;
};

// Type system definitions (the SDL).

struct InputValueDefinition {
  std::optional<std::string> description;
  std::string name;
  Location loc;
  TypeRef type;
  std::optional<Value> default_value;
  std::vector<Directive> directives;
};

struct FieldDefinition {
  std::optional<std::string> description;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  TypeRef type;
  std::vector<Directive> directives;
};

struct EnumValueDefinition {
  std::optional<std::string> description;
  std::string name;
  Location loc;
  std::vector<Directive> directives;
};

enum class TypeDefinitionKind { kScalar, kObject, kInterface, kUnion, kEnum, kInputObject };

struct TypeDefinition {
  TypeDefinitionKind kind = TypeDefinitionKind::kScalar;
  bool extension = false;
  std::optional<std::string> description;
  std::string name;
  Location loc;
  std::vector<std::string> interfaces;  // kObject, kInterface
  std::vector<Directive> directives;
  std::vector<FieldDefinition> fields;             // kObject, kInterface
  std::vector<InputValueDefinition> input_fields;  // kInputObject
  std::vector<EnumValueDefinition> enum_values;    // kEnum
  std::vector<std::string> union_members;          // kUnion
};

struct DirectiveDefinition {
  std::optional<std::string> description;
  std::string name;
  Location loc;
  std::vector<InputValueDefinition> arguments;
  bool repeatable = false;
  std::vector<std::string> locations;
};

struct SchemaDefinition {
  bool extension = false;
  std::optional<std::string> description;
  Location loc;
  std::vector<Directive> directives;
  std::vector<std::pair<OperationType, std::string>> root_types;
};

// A definition the executable language does not allow, remembered for the validation error.
struct NonExecutableDefinition {
  std::string name;  // empty for a schema definition or extension
  Location loc;
};

struct Document {
  std::vector<OperationDefinition> operations;
  std::vector<FragmentDefinition> fragments;
  std::vector<TypeDefinition> types;
  std::vector<DirectiveDefinition> directives;
  std::vector<SchemaDefinition> schemas;
  std::vector<NonExecutableDefinition> non_executable;  // in document order

  const FragmentDefinition* FindFragment(const std::string& name) const;
};

}  // namespace livedrop::graphql::ast
