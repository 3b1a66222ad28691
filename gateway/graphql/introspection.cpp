#include "graphql/introspection.h"

#include "graphql/value_printer.h"

namespace livedrop::graphql {
namespace json = boost::json;
namespace {

// An introspection __Type is named by its type reference: "Drop", "[Drop!]", "Int!".
json::value TypeHandle(const std::string& ref) { return json::object{{"__ref", ref}}; }

std::string RefOf(const json::value& parent) {
  return std::string(parent.as_object().at("__ref").as_string());
}

json::value Optional(const std::optional<std::string>& s) {
  return s ? json::value(json::string(*s)) : json::value(nullptr);
}

json::value InputValueJson(const InputValue& v, const Schema& schema) {
  return json::object{
      {"name", v.name},
      {"description", Optional(v.description)},
      {"type", TypeHandle(v.type.ToString())},
      {"defaultValue", v.default_value
                           ? json::value(json::string(PrintValue(*v.default_value, v.type, schema)))
                           : json::value(nullptr)},
      {"isDeprecated", v.deprecation_reason.has_value()},
      {"deprecationReason", Optional(v.deprecation_reason)},
  };
}

json::array InputValuesJson(const std::vector<InputValue>& values, const Schema& schema) {
  json::array out;
  for (const InputValue& v : values) out.push_back(InputValueJson(v, schema));
  return out;
}

json::value FieldJson(const Field& f, const Schema& schema) {
  return json::object{
      {"name", f.name},
      {"description", Optional(f.description)},
      {"args", InputValuesJson(f.args, schema)},
      {"type", TypeHandle(f.type.ToString())},
      {"isDeprecated", f.deprecation_reason.has_value()},
      {"deprecationReason", Optional(f.deprecation_reason)},
  };
}

json::value DirectiveJson(const DirectiveType& d, const Schema& schema) {
  json::array locations;
  for (const std::string& l : d.locations) locations.push_back(json::string(l));
  return json::object{
      {"name", d.name},
      {"description", Optional(d.description)},
      {"isRepeatable", d.repeatable},
      {"locations", std::move(locations)},
      {"args", InputValuesJson(d.args, schema)},
  };
}

bool IncludeDeprecated(const FieldCall& call) {
  const json::value* v = call.args().if_contains("includeDeprecated");
  return v && v->is_bool() && v->as_bool();
}

// Drops the deprecated entries of a JSON array of __Field/__InputValue/__EnumValue unless asked.
json::value Filter(json::array items, bool include_deprecated) {
  if (include_deprecated) return items;
  json::array out;
  for (json::value& item : items) {
    if (!item.as_object().at("isDeprecated").as_bool()) out.push_back(std::move(item));
  }
  return out;
}

// A __Type's reference split into its wrapper kind and what it wraps.
struct TypeView {
  const char* kind = "SCALAR";
  const NamedType* named = nullptr;  // null for LIST and NON_NULL
  std::string of_type;               // for LIST and NON_NULL
};

TypeView View(const Schema& schema, const std::string& ref) {
  TypeView v;
  if (!ref.empty() && ref.back() == '!') {
    v.kind = "NON_NULL";
    v.of_type = ref.substr(0, ref.size() - 1);
    return v;
  }
  if (!ref.empty() && ref.front() == '[') {
    v.kind = "LIST";
    v.of_type = ref.substr(1, ref.size() - 2);
    return v;
  }
  v.named = schema.FindType(ref);
  static const char* const kKinds[] = {"SCALAR", "OBJECT", "INTERFACE",
                                       "UNION",  "ENUM",   "INPUT_OBJECT"};
  if (v.named) v.kind = kKinds[static_cast<int>(v.named->kind)];
  return v;
}

Field MakeField(std::string name, TypeRef type, std::vector<InputValue> args = {}) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.args = std::move(args);
  return f;
}

}  // namespace

const Field& SchemaMetaField() {
  static const Field kField = MakeField("__schema", TypeRef::NonNullOf(TypeRef::Named("__Schema")));
  return kField;
}

const Field& TypeMetaField() {
  static const Field kField = [] {
    InputValue name;
    name.name = "name";
    name.type = TypeRef::NonNullOf(TypeRef::Named("String"));
    return MakeField("__type", TypeRef::Named("__Type"), {name});
  }();
  return kField;
}

const Field& TypenameMetaField() {
  static const Field kField = MakeField("__typename", TypeRef::NonNullOf(TypeRef::Named("String")));
  return kField;
}

void AddIntrospectionResolvers(const Schema& schema, Resolvers& r) {
  const Schema* s = &schema;
  r.SyncField(kMetaTypeName, "__schema", [](const FieldCall&) { return json::object{}; });
  r.SyncField(kMetaTypeName, "__type", [s](const FieldCall& call) -> json::value {
    std::string name(call.args().at("name").as_string());
    if (!s->FindType(name)) return nullptr;
    return TypeHandle(name);
  });

  r.SyncField("__Schema", "description",
              [s](const FieldCall&) { return Optional(s->description()); });
  r.SyncField("__Schema", "types", [s](const FieldCall&) {
    json::array out;
    for (const NamedType* t : s->Types()) out.push_back(TypeHandle(t->name));
    return out;
  });
  const char* const kRoots[] = {"queryType", "mutationType", "subscriptionType"};
  for (int i = 0; i < 3; ++i) {
    r.SyncField("__Schema", kRoots[i], [s, i](const FieldCall&) -> json::value {
      const NamedType* t = s->RootType(static_cast<ast::OperationType>(i));
      return t ? TypeHandle(t->name) : json::value(nullptr);
    });
  }
  r.SyncField("__Schema", "directives", [s](const FieldCall&) {
    json::array out;
    for (const DirectiveType* d : s->Directives()) out.push_back(DirectiveJson(*d, *s));
    return out;
  });

  r.SyncField("__Type", "kind",
              [s](const FieldCall& c) { return json::string(View(*s, RefOf(c.parent())).kind); });
  r.SyncField("__Type", "name", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    return v.named ? json::value(json::string(v.named->name)) : json::value(nullptr);
  });
  r.SyncField("__Type", "description", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    return v.named ? Optional(v.named->description) : json::value(nullptr);
  });
  r.SyncField("__Type", "specifiedByURL", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    return v.named ? Optional(v.named->specified_by_url) : json::value(nullptr);
  });
  r.SyncField("__Type", "fields", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    if (!v.named || (v.named->kind != TypeKind::kObject && v.named->kind != TypeKind::kInterface)) {
      return nullptr;
    }
    json::array out;
    for (const Field& f : v.named->fields) out.push_back(FieldJson(f, *s));
    return Filter(std::move(out), IncludeDeprecated(c));
  });
  r.SyncField("__Type", "interfaces", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    if (!v.named || (v.named->kind != TypeKind::kObject && v.named->kind != TypeKind::kInterface)) {
      return nullptr;
    }
    json::array out;
    for (const std::string& i : v.named->interfaces) out.push_back(TypeHandle(i));
    return out;
  });
  r.SyncField("__Type", "possibleTypes", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    if (!v.named || !v.named->IsAbstract()) return nullptr;
    json::array out;
    for (const NamedType* t : s->PossibleTypes(*v.named)) out.push_back(TypeHandle(t->name));
    return out;
  });
  r.SyncField("__Type", "enumValues", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    if (!v.named || v.named->kind != TypeKind::kEnum) return nullptr;
    json::array out;
    for (const EnumValue& e : v.named->enum_values) {
      out.push_back(json::object{{"name", e.name},
                                 {"description", Optional(e.description)},
                                 {"isDeprecated", e.deprecation_reason.has_value()},
                                 {"deprecationReason", Optional(e.deprecation_reason)}});
    }
    return Filter(std::move(out), IncludeDeprecated(c));
  });
  r.SyncField("__Type", "inputFields", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    if (!v.named || v.named->kind != TypeKind::kInputObject) return nullptr;
    return Filter(InputValuesJson(v.named->input_fields, *s), IncludeDeprecated(c));
  });
  r.SyncField("__Type", "ofType", [s](const FieldCall& c) -> json::value {
    TypeView v = View(*s, RefOf(c.parent()));
    return v.named ? json::value(nullptr) : TypeHandle(v.of_type);
  });

  auto args = [](const FieldCall& c) {
    return Filter(c.parent().as_object().at("args").as_array(), IncludeDeprecated(c));
  };
  r.SyncField("__Field", "args", args);
  r.SyncField("__Directive", "args", args);
}

}  // namespace livedrop::graphql
