// Schema::FromSdl: the SDL's definitions (and their extensions) turned into a checked Schema.
#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/value_coercion.h"

namespace livedrop::graphql {
namespace {

// The types and directives every schema has (specification sections 3.5, 3.13 and 4.5).
constexpr char kPrelude[] = R"(
"The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1."
scalar Int
"The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)."
scalar Float
"The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text."
scalar String
"The `Boolean` scalar type represents `true` or `false`."
scalar Boolean
"The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID."
scalar ID

"Directs the executor to include this field or fragment only when the `if` argument is true."
directive @include("Included when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Directs the executor to skip this field or fragment when the `if` argument is true."
directive @skip("Skipped when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Marks an element of a GraphQL schema as no longer supported."
directive @deprecated(
  "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/)."
  reason: String = "No longer supported"
) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
"Exposes a URL that specifies the behavior of this scalar."
directive @specifiedBy("The URL that specifies the behavior of this scalar." url: String!) on SCALAR

"A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations."
type __Schema {
  description: String
  "A list of all types supported by this server."
  types: [__Type!]!
  "The type that query operations will be rooted at."
  queryType: __Type!
  "If this server supports mutation, the type that mutation operations will be rooted at."
  mutationType: __Type
  "If this server support subscription, the type that subscription operations will be rooted at."
  subscriptionType: __Type
  "A list of all directives supported by this server."
  directives: [__Directive!]!
}
"The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum."
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}
"An enum describing what kind of type a given `__Type` is."
enum __TypeKind { SCALAR OBJECT INTERFACE UNION ENUM INPUT_OBJECT LIST NON_NULL }
"Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type."
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
"Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value."
type __InputValue {
  name: String!
  description: String
  type: __Type!
  "A GraphQL-formatted string representing the default value for this input value."
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string."
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document."
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}
"A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies."
enum __DirectiveLocation {
  QUERY MUTATION SUBSCRIPTION FIELD FRAGMENT_DEFINITION FRAGMENT_SPREAD INLINE_FRAGMENT
  VARIABLE_DEFINITION SCHEMA SCALAR OBJECT FIELD_DEFINITION ARGUMENT_DEFINITION INTERFACE UNION
  ENUM ENUM_VALUE INPUT_OBJECT INPUT_FIELD_DEFINITION
}
)";

constexpr char kDefaultDeprecationReason[] = "No longer supported";

std::string At(Location loc) {
  return " (line " + std::to_string(loc.line) + ", column " + std::to_string(loc.column) + ")";
}

}  // namespace

class SchemaBuilder {
 public:
  std::shared_ptr<const Schema> Build(std::string_view sdl) {
    ParseLimits limits;
    limits.max_bytes = 16 * 1024 * 1024;
    limits.max_tokens = 10'000'000;
    ParseResult prelude = Parse(kPrelude, limits);
    if (!prelude.document) throw SchemaError("prelude: " + prelude.error->message);
    ParseResult user = Parse(sdl, limits);
    if (!user.document) {
      const GraphQLError& e = *user.error;
      throw SchemaError(e.message + (e.locations.empty() ? "" : At(e.locations[0])));
    }
    const ast::Document& doc = *user.document;
    if (!doc.operations.empty() || !doc.fragments.empty()) {
      Problem("The SDL must contain only type system definitions.");
    }
    schema_ = std::shared_ptr<Schema>(new Schema());
    AddTypes(doc, false);
    AddTypes(*prelude.document, true);
    AddDirectives(doc, false);
    AddDirectives(*prelude.document, true);
    ResolveDefaults();
    CheckTypes();
    OrderTypes();
    SetRoots(doc);
    ComputePossibleTypes();
    if (!problems_.empty()) throw SchemaError(problems_);
    return schema_;
  }

 private:
  void Problem(const std::string& message) {
    if (!problems_.empty()) problems_ += '\n';
    problems_ += message;
  }

  std::optional<std::string> Deprecation(const std::vector<ast::Directive>& directives) {
    for (const ast::Directive& d : directives) {
      if (d.name != "deprecated") continue;
      for (const ast::Argument& a : d.arguments) {
        if (a.name == "reason" && a.value.kind == ast::ValueKind::kString) return a.value.text;
      }
      return std::string(kDefaultDeprecationReason);
    }
    return std::nullopt;
  }

  InputValue BuildInputValue(const ast::InputValueDefinition& def) {
    InputValue v;
    v.name = def.name;
    v.description = def.description;
    v.type = def.type;
    v.deprecation_reason = Deprecation(def.directives);
    v.default_literal = def.default_value;
    return v;
  }

  std::vector<InputValue> BuildInputValues(const std::vector<ast::InputValueDefinition>& defs,
                                           const std::string& owner) {
    std::vector<InputValue> out;
    out.reserve(defs.size());
    std::unordered_set<std::string> seen;
    for (const ast::InputValueDefinition& def : defs) {
      if (!seen.insert(def.name).second) {
        Problem("\"" + owner + "\" has more than one input value named \"" + def.name + "\"" +
                At(def.loc) + ".");
      }
      out.push_back(BuildInputValue(def));
    }
    return out;
  }

  void AddFields(NamedType& type, const ast::TypeDefinition& def) {
    for (const ast::FieldDefinition& fd : def.fields) {
      if (type.FindField(fd.name)) {
        Problem("Field \"" + type.name + "." + fd.name + "\" can only be defined once" +
                At(fd.loc) + ".");
        continue;
      }
      Field f;
      f.name = fd.name;
      f.description = fd.description;
      f.type = fd.type;
      f.deprecation_reason = Deprecation(fd.directives);
      f.args = BuildInputValues(fd.arguments, type.name + "." + f.name);
      type.fields.push_back(std::move(f));
    }
    for (const std::string& i : def.interfaces) {
      if (std::find(type.interfaces.begin(), type.interfaces.end(), i) == type.interfaces.end()) {
        type.interfaces.push_back(i);
      }
    }
  }

  void AddTypes(const ast::Document& doc, bool built_in) {
    for (const ast::TypeDefinition& def : doc.types) {
      if (def.extension) continue;
      if (!built_in && def.name.starts_with("__")) {
        Problem("Name \"" + def.name +
                "\" must not begin with \"__\", which is reserved by GraphQL introspection.");
      }
      if (schema_->types_by_name_.count(def.name)) {
        Problem(built_in ? "Type \"" + def.name +
                               "\" already exists in the schema. It cannot also be defined in "
                               "this type definition."
                         : "There can be only one type named \"" + def.name + "\".");
        continue;
      }
      auto type = std::make_unique<NamedType>();
      type->kind = static_cast<TypeKind>(def.kind);
      type->name = def.name;
      type->description = def.description;
      type->built_in = built_in;
      for (const ast::Directive& d : def.directives) {
        if (d.name != "specifiedBy") continue;
        for (const ast::Argument& a : d.arguments) {
          if (a.name == "url") type->specified_by_url = a.value.text;
        }
      }
      schema_->types_by_name_[def.name] = type.get();
      mutable_types_[def.name] = type.get();
      schema_->type_order_.push_back(type.get());
      schema_->types_.push_back(std::move(type));
    }
    // Members after all names are known; extensions after their definitions.
    for (bool extensions : {false, true}) {
      for (const ast::TypeDefinition& def : doc.types) {
        if (def.extension != extensions) continue;
        auto it = schema_->types_by_name_.find(def.name);
        if (it == schema_->types_by_name_.end()) {
          Problem("Cannot extend type \"" + def.name + "\" because it is not defined.");
          continue;
        }
        NamedType& type = *mutable_types_.at(def.name);
        if (static_cast<TypeKind>(def.kind) != type.kind) {
          Problem("Cannot extend \"" + def.name + "\" with a different kind of type.");
          continue;
        }
        AddFields(type, def);
        for (const std::string& m : def.union_members) type.members.push_back(m);
        for (const ast::EnumValueDefinition& ev : def.enum_values) {
          if (type.FindEnumValue(ev.name)) {
            Problem("Enum value \"" + def.name + "." + ev.name + "\" can only be defined once.");
            continue;
          }
          type.enum_values.push_back({ev.name, ev.description, Deprecation(ev.directives)});
        }
        for (const ast::InputValueDefinition& iv : def.input_fields) {
          if (type.FindInputField(iv.name)) {
            Problem("Field \"" + def.name + "." + iv.name + "\" can only be defined once.");
            continue;
          }
          type.input_fields.push_back(BuildInputValue(iv));
        }
      }
    }
  }

  void AddDirectives(const ast::Document& doc, bool built_in) {
    for (const ast::DirectiveDefinition& def : doc.directives) {
      if (schema_->directives_by_name_.count(def.name)) {
        if (!built_in) Problem("There can be only one directive named \"@" + def.name + "\".");
        continue;  // a schema may redefine a specified directive
      }
      auto d = std::make_unique<DirectiveType>();
      d->name = def.name;
      d->description = def.description;
      d->locations = def.locations;
      d->repeatable = def.repeatable;
      d->built_in = built_in;
      d->args = BuildInputValues(def.arguments, "@" + def.name);
      schema_->directives_by_name_[def.name] = d.get();
      schema_->directive_order_.push_back(d.get());
      schema_->directives_.push_back(std::move(d));
    }
  }

  void ResolveDefault(InputValue& v, const std::string& owner) {
    if (!v.default_literal) return;
    std::optional<boost::json::value> coerced =
        CoerceLiteral(*v.default_literal, v.type, *schema_, nullptr);
    if (!coerced) {
      Problem("Invalid default value for \"" + owner + v.name + "\"" + At(v.default_literal->loc) +
              ".");
      return;
    }
    v.default_value = std::move(*coerced);
  }

  // Input object fields may default to values of other input objects (whose own field defaults
  // fill in), so passes repeat as deep as input objects can nest.
  void ResolveDefaults() {
    size_t passes = 1;
    for (auto& type : schema_->types_) passes += type->kind == TypeKind::kInputObject;
    std::string problems_before = problems_;
    for (size_t pass = 0; pass < passes; ++pass) {
      problems_ = problems_before;
      ResolveDefaultsOnce();
    }
  }

  void ResolveDefaultsOnce() {
    for (auto& type : schema_->types_) {
      for (Field& f : type->fields) {
        for (InputValue& a : f.args) ResolveDefault(a, type->name + "." + f.name + "(");
      }
      for (InputValue& f : type->input_fields) ResolveDefault(f, type->name + ".");
    }
    for (auto& d : schema_->directives_) {
      for (InputValue& a : d->args) ResolveDefault(a, "@" + d->name + "(");
    }
  }

  void CheckTypeRef(const TypeRef& ref, bool input, const std::string& where) {
    const NamedType* t = schema_->FindType(ref.NamedType());
    if (!t) {
      Problem("Unknown type \"" + ref.NamedType() + "\" in " + where + ".");
    } else if (input && !t->IsInput()) {
      Problem("The type of " + where + " must be Input Type but got: " + ref.ToString() + ".");
    } else if (!input && !t->IsOutput()) {
      Problem("The type of " + where + " must be Output Type but got: " + ref.ToString() + ".");
    }
  }

  void CheckTypes() {
    for (const NamedType* type : schema_->type_order_) {
      const std::string& n = type->name;
      if ((type->kind == TypeKind::kObject || type->kind == TypeKind::kInterface) &&
          type->fields.empty()) {
        Problem("Type " + n + " must define one or more fields.");
      }
      for (const Field& f : type->fields) {
        CheckTypeRef(f.type, false, n + "." + f.name);
        for (const InputValue& a : f.args) {
          CheckTypeRef(a.type, true, n + "." + f.name + "(" + a.name + ":)");
        }
      }
      for (const InputValue& f : type->input_fields) CheckTypeRef(f.type, true, n + "." + f.name);
      for (const std::string& i : type->interfaces) {
        const NamedType* iface = schema_->FindType(i);
        if (!iface || iface->kind != TypeKind::kInterface) {
          Problem("Type " + n + " must only implement Interface types, it cannot implement " + i +
                  ".");
          continue;
        }
        for (const Field& want : iface->fields) {
          const Field* have = type->FindField(want.name);
          if (!have) {
            Problem("Interface field " + i + "." + want.name + " expected but " + n +
                    " does not provide it.");
          } else if (!schema_->IsSubType(have->type, want.type)) {
            Problem("Interface field " + i + "." + want.name + " expects type " +
                    want.type.ToString() + " but " + n + "." + want.name + " is type " +
                    have->type.ToString() + ".");
          }
        }
      }
      for (const std::string& m : type->members) {
        const NamedType* member = schema_->FindType(m);
        if (!member || member->kind != TypeKind::kObject) {
          Problem("Union type " + n + " can only include Object types, it cannot include " + m +
                  ".");
        }
      }
      if (type->kind == TypeKind::kEnum && type->enum_values.empty()) {
        Problem("Enum type " + n + " must define one or more values.");
      }
    }
    for (const DirectiveType* d : schema_->directive_order_) {
      for (const InputValue& a : d->args)
        CheckTypeRef(a.type, true, "@" + d->name + "(" + a.name + ":)");
    }
  }

  // The types in graphql-js's order, which is what its introspection lists: each of the SDL's
  // types followed by the specified scalars it is the first to refer to, then those the
  // directives' arguments refer to, then the introspection types. A specified scalar nothing
  // refers to is not part of the schema (a schema without a Float field knows no "Float").
  void OrderTypes() {
    std::vector<const NamedType*> order;
    std::unordered_set<const NamedType*> placed;
    for (const NamedType* t : schema_->type_order_) {
      if (!t->built_in) placed.insert(t);
    }
    std::function<void(const std::string&)> reach = [&](const std::string& name) {
      const NamedType* t = schema_->FindType(name);
      if (!t || !placed.insert(t).second) return;
      order.push_back(t);
      ReachFrom(*t, reach);
    };
    for (const NamedType* t : schema_->type_order_) {
      if (t->built_in) continue;
      order.push_back(t);
      ReachFrom(*t, reach);
    }
    for (const DirectiveType* d : schema_->directive_order_) {
      for (const InputValue& a : d->args) reach(a.type.NamedType());
    }
    reach("__Schema");
    for (const NamedType* t : schema_->type_order_) {
      if (!placed.count(t)) schema_->types_by_name_.erase(t->name);
    }
    schema_->type_order_ = std::move(order);
  }

  // The types `type` refers to, in graphql-js's order.
  static void ReachFrom(const NamedType& type, const std::function<void(const std::string&)>& f) {
    for (const std::string& m : type.members) f(m);
    for (const std::string& i : type.interfaces) f(i);
    for (const Field& field : type.fields) {
      f(field.type.NamedType());
      for (const InputValue& a : field.args) f(a.type.NamedType());
    }
    for (const InputValue& field : type.input_fields) f(field.type.NamedType());
  }

  void SetRoots(const ast::Document& doc) {
    const char* const kDefaults[] = {"Query", "Mutation", "Subscription"};
    bool explicit_roots = false;
    for (const ast::SchemaDefinition& s : doc.schemas) {
      if (!s.extension) schema_->description_ = s.description;
      for (const auto& [op, name] : s.root_types) {
        explicit_roots = true;
        const NamedType* t = schema_->FindType(name);
        if (!t || t->kind != TypeKind::kObject) {
          Problem(std::string("Root type ") + ast::ToString(op) +
                  " must be an object type: " + name + ".");
          continue;
        }
        schema_->roots_[static_cast<int>(op)] = t;
      }
    }
    if (!explicit_roots) {
      for (int i = 0; i < 3; ++i) {
        const NamedType* t = schema_->FindType(kDefaults[i]);
        if (t && t->kind == TypeKind::kObject) schema_->roots_[i] = t;
      }
    }
    if (!schema_->roots_[0]) Problem("Query root type must be provided.");
  }

  void ComputePossibleTypes() {
    for (const NamedType* type : schema_->type_order_) {
      if (type->kind == TypeKind::kObject) {
        schema_->possible_types_[type->name].push_back(type);
        for (const std::string& i : type->interfaces) {
          schema_->possible_types_[i].push_back(type);
        }
      } else if (type->kind == TypeKind::kUnion) {
        for (const std::string& m : type->members) {
          if (const NamedType* member = schema_->FindType(m)) {
            schema_->possible_types_[type->name].push_back(member);
          }
        }
      }
    }
  }

  std::shared_ptr<Schema> schema_;
  std::unordered_map<std::string, NamedType*> mutable_types_;
  std::string problems_;
};

std::shared_ptr<const Schema> Schema::FromSdl(std::string_view sdl) {
  return SchemaBuilder().Build(sdl);
}

}  // namespace livedrop::graphql
