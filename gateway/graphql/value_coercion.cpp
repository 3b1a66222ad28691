#include "graphql/value_coercion.h"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

#include "graphql/error_codes.h"
#include "graphql/suggestions.h"
#include "graphql/value_printer.h"

namespace livedrop::graphql {
namespace json = boost::json;
namespace {

constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();

std::optional<int64_t> ParseInt(const std::string& text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(const std::string& text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool IsMissingVariable(const ast::Value& v, const json::object* variables) {
  return v.kind == ast::ValueKind::kVariable && (!variables || !variables->contains(v.text));
}

std::optional<json::value> CoerceLeafLiteral(const ast::Value& lit, const NamedType& type) {
  using K = ast::ValueKind;
  if (type.kind == TypeKind::kEnum) {
    if (lit.kind != K::kEnum || !type.FindEnumValue(lit.text)) return std::nullopt;
    return json::value(lit.text);
  }
  const std::string& n = type.name;
  if (n == "Int") {
    if (lit.kind != K::kInt) return std::nullopt;
    std::optional<int64_t> v = ParseInt(lit.text);
    if (!v || *v < kIntMin || *v > kIntMax) return std::nullopt;
    return json::value(*v);
  }
  if (n == "Float") {
    if (lit.kind != K::kInt && lit.kind != K::kFloat) return std::nullopt;
    std::optional<double> v = ParseDouble(lit.text);
    if (!v || !std::isfinite(*v)) return std::nullopt;
    return json::value(*v);
  }
  if (n == "String") {
    if (lit.kind != K::kString) return std::nullopt;
    return json::value(lit.text);
  }
  if (n == "Boolean") {
    if (lit.kind != K::kBoolean) return std::nullopt;
    return json::value(lit.text == "true");
  }
  if (n == "ID") {
    if (lit.kind != K::kString && lit.kind != K::kInt) return std::nullopt;
    return json::value(lit.text);
  }
  // A custom scalar takes any literal, as plain JSON.
  switch (lit.kind) {
    case K::kInt:
      if (std::optional<int64_t> v = ParseInt(lit.text)) return json::value(*v);
      [[fallthrough]];
    case K::kFloat:
      if (std::optional<double> v = ParseDouble(lit.text)) return json::value(*v);
      return std::nullopt;
    case K::kString:
    case K::kEnum:
      return json::value(lit.text);
    case K::kBoolean:
      return json::value(lit.text == "true");
    case K::kNull:
      return json::value(nullptr);
    case K::kList: {
      json::array out;
      for (const ast::Value& item : lit.list) {
        std::optional<json::value> v = CoerceLeafLiteral(item, type);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return json::value(std::move(out));
    }
    case K::kObject: {
      json::object out;
      for (const ast::ObjectField& f : lit.fields) {
        std::optional<json::value> v = CoerceLeafLiteral(f.value, type);
        if (!v) return std::nullopt;
        out[f.name] = std::move(*v);
      }
      return json::value(std::move(out));
    }
    case K::kVariable:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<json::value> CoerceLiteral(const ast::Value& lit, const TypeRef& type,
                                         const Schema& schema, const json::object* variables) {
  if (lit.kind == ast::ValueKind::kVariable) {
    if (!variables) return std::nullopt;
    auto it = variables->find(lit.text);
    if (it == variables->end()) return std::nullopt;
    if (it->value().is_null() && type.IsNonNull()) return std::nullopt;
    return it->value();
  }
  if (type.IsNonNull()) {
    if (lit.kind == ast::ValueKind::kNull) return std::nullopt;
    return CoerceLiteral(lit, *type.of, schema, variables);
  }
  if (lit.kind == ast::ValueKind::kNull) return json::value(nullptr);
  if (type.IsList()) {
    const TypeRef& item_type = *type.of;
    json::array out;
    if (lit.kind != ast::ValueKind::kList) {
      std::optional<json::value> v = CoerceLiteral(lit, item_type, schema, variables);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
      return json::value(std::move(out));
    }
    for (const ast::Value& item : lit.list) {
      if (IsMissingVariable(item, variables)) {
        if (item_type.IsNonNull()) return std::nullopt;
        out.push_back(nullptr);
        continue;
      }
      std::optional<json::value> v = CoerceLiteral(item, item_type, schema, variables);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return json::value(std::move(out));
  }
  const NamedType* named = schema.FindType(type.name);
  if (!named) return std::nullopt;
  if (named->kind == TypeKind::kInputObject) {
    if (lit.kind != ast::ValueKind::kObject) return std::nullopt;
    for (const ast::ObjectField& f : lit.fields) {
      if (!named->FindInputField(f.name)) return std::nullopt;
    }
    json::object out;
    for (const InputValue& field : named->input_fields) {
      const ast::ObjectField* given = nullptr;
      for (const ast::ObjectField& f : lit.fields) {
        if (f.name == field.name) given = &f;
      }
      if (!given || IsMissingVariable(given->value, variables)) {
        if (field.default_value) {
          out[field.name] = *field.default_value;
        } else if (field.type.IsNonNull()) {
          return std::nullopt;
        }
        continue;
      }
      std::optional<json::value> v = CoerceLiteral(given->value, field.type, schema, variables);
      if (!v) return std::nullopt;
      out[field.name] = std::move(*v);
    }
    return json::value(std::move(out));
  }
  if (!named->IsLeaf()) return std::nullopt;
  return CoerceLeafLiteral(lit, *named);
}

namespace {

std::optional<json::value> Invalid(InputError* error, std::string message, const json::value& value,
                                   std::string path = "") {
  if (error) *error = InputError{std::move(message), std::move(path), value};
  return std::nullopt;
}

std::optional<json::value> CoerceLeafInput(const json::value& in, const NamedType& type,
                                           InputError* error) {
  const std::string& n = type.name;
  if (type.kind == TypeKind::kEnum) {
    if (!in.is_string()) {
      return Invalid(error,
                     "Enum \"" + n + "\" cannot represent non-string value: " + Inspect(in) + "." +
                         SuggestEnumValue(type, Inspect(in)),
                     in);
    }
    if (!type.FindEnumValue(std::string(in.as_string()))) {
      return Invalid(error,
                     "Value \"" + std::string(in.as_string()) + "\" does not exist in \"" + n +
                         "\" enum." + SuggestEnumValue(type, in.as_string()),
                     in);
    }
    return in;
  }
  if (n == "Int") {
    if (in.is_int64() || in.is_uint64() ||
        (in.is_double() && std::floor(in.as_double()) == in.as_double())) {
      double d = in.is_double()  ? in.as_double()
                 : in.is_int64() ? double(in.as_int64())
                                 : double(in.as_uint64());
      if (d < double(kIntMin) || d > double(kIntMax)) {
        return Invalid(error,
                       "Int cannot represent non 32-bit signed integer value: " + Inspect(in), in);
      }
      return json::value(static_cast<int64_t>(d));
    }
    return Invalid(error, "Int cannot represent non-integer value: " + Inspect(in), in);
  }
  if (n == "Float") {
    if (in.is_number()) return json::value(in.to_number<double>());
    return Invalid(error, "Float cannot represent non numeric value: " + Inspect(in), in);
  }
  if (n == "String") {
    if (in.is_string()) return in;
    return Invalid(error, "String cannot represent a non string value: " + Inspect(in), in);
  }
  if (n == "Boolean") {
    if (in.is_bool()) return in;
    return Invalid(error, "Boolean cannot represent a non boolean value: " + Inspect(in), in);
  }
  if (n == "ID") {
    if (in.is_string()) return in;
    if (in.is_int64()) return json::value(std::to_string(in.as_int64()));
    if (in.is_uint64()) return json::value(std::to_string(in.as_uint64()));
    return Invalid(error, "ID cannot represent value: " + Inspect(in), in);
  }
  return in;  // a custom scalar takes any JSON
}

std::optional<json::value> CoerceInputAt(const json::value& in, const TypeRef& type,
                                         const Schema& schema, InputError* error,
                                         const std::string& path) {
  auto fail_at = [&](std::optional<json::value> r) {
    if (!r && error && error->path.empty()) error->path = path;
    return r;
  };
  if (type.IsNonNull()) {
    if (in.is_null()) {
      return Invalid(error,
                     "Expected non-nullable type \"" + type.ToString() + "\" not to be null.", in,
                     path);
    }
    return CoerceInputAt(in, *type.of, schema, error, path);
  }
  if (in.is_null()) return json::value(nullptr);
  if (type.IsList()) {
    json::array out;
    if (!in.is_array()) {
      std::optional<json::value> v = CoerceInputAt(in, *type.of, schema, error, path);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
      return json::value(std::move(out));
    }
    const json::array& items = in.as_array();
    for (size_t i = 0; i < items.size(); ++i) {
      std::optional<json::value> v =
          CoerceInputAt(items[i], *type.of, schema, error, path + "[" + std::to_string(i) + "]");
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return json::value(std::move(out));
  }
  const NamedType* named = schema.FindType(type.name);
  if (!named) return Invalid(error, "Unknown type \"" + type.name + "\".", in, path);
  if (named->kind == TypeKind::kInputObject) {
    if (!in.is_object()) {
      return Invalid(error, "Expected type \"" + named->name + "\" to be an object.", in, path);
    }
    const json::object& obj = in.as_object();
    json::object out;
    for (const InputValue& field : named->input_fields) {
      auto it = obj.find(field.name);
      if (it == obj.end()) {
        if (field.default_value) {
          out[field.name] = *field.default_value;
        } else if (field.type.IsNonNull()) {
          return Invalid(error,
                         "Field \"" + field.name + "\" of required type \"" +
                             field.type.ToString() + "\" was not provided.",
                         in, path);
        }
        continue;
      }
      std::optional<json::value> v =
          CoerceInputAt(it->value(), field.type, schema, error, path + "." + field.name);
      if (!v) return std::nullopt;
      out[field.name] = std::move(*v);
    }
    for (const auto& kv : obj) {
      if (!named->FindInputField(kv.key())) {
        return Invalid(error,
                       "Field \"" + std::string(kv.key()) + "\" is not defined by type \"" +
                           named->name + "\"." + SuggestInputField(*named, kv.key()),
                       in, path);
      }
    }
    return json::value(std::move(out));
  }
  return fail_at(CoerceLeafInput(in, *named, error));
}

}  // namespace

std::optional<json::value> CoerceInput(const json::value& input, const TypeRef& type,
                                       const Schema& schema, InputError* error) {
  return CoerceInputAt(input, type, schema, error, "");
}

namespace {

// `location` is the type of the position the literal is in, which messages name as graphql-js
// does ("PlaceOrderInput!", "[String!]" for a single value where a list goes), while `type` is
// what the literal is checked against once non-null and list wrappers are taken off.
void CheckLiteralAt(const ast::Value& lit, const TypeRef& type, const TypeRef& location,
                    const Schema& schema, GraphQLErrors& errors) {
  auto report = [&](std::string message) {
    errors.push_back(GraphQLError{std::move(message), {lit.loc}, {}, codes::kValidationFailed});
  };
  if (lit.kind == ast::ValueKind::kVariable) return;
  if (type.IsNonNull()) {
    if (lit.kind == ast::ValueKind::kNull) {
      report("Expected value of type \"" + type.ToString() + "\", found null.");
      return;
    }
    CheckLiteralAt(lit, *type.of, location, schema, errors);
    return;
  }
  if (lit.kind == ast::ValueKind::kNull) return;
  if (type.IsList()) {
    if (lit.kind == ast::ValueKind::kList) {
      for (const ast::Value& item : lit.list) {
        CheckLiteralAt(item, *type.of, *type.of, schema, errors);
      }
    } else {
      CheckLiteralAt(lit, *type.of, location, schema, errors);
    }
    return;
  }
  const NamedType* named = schema.FindType(type.name);
  if (!named) return;
  if (named->kind == TypeKind::kInputObject) {
    if (lit.kind != ast::ValueKind::kObject) {
      report("Expected value of type \"" + location.ToString() + "\", found " + PrintLiteral(lit) +
             ".");
      return;
    }
    for (const InputValue& field : named->input_fields) {
      bool given = false;
      for (const ast::ObjectField& f : lit.fields) given = given || f.name == field.name;
      if (!given && field.type.IsNonNull() && !field.default_value) {
        report("Field \"" + named->name + "." + field.name + "\" of required type \"" +
               field.type.ToString() + "\" was not provided.");
      }
    }
    for (const ast::ObjectField& f : lit.fields) {
      const InputValue* field = named->FindInputField(f.name);
      if (!field) {
        errors.push_back(GraphQLError{"Field \"" + f.name + "\" is not defined by type \"" +
                                          named->name + "\"." + SuggestInputField(*named, f.name),
                                      {f.loc},
                                      {},
                                      codes::kValidationFailed});
        continue;
      }
      CheckLiteralAt(f.value, field->type, field->type, schema, errors);
    }
    return;
  }
  if (CoerceLeafLiteral(lit, *named)) return;
  const std::string printed = PrintLiteral(lit);
  const std::string& n = named->name;
  if (named->kind == TypeKind::kEnum) {
    if (lit.kind != ast::ValueKind::kEnum) {
      report("Enum \"" + n + "\" cannot represent non-enum value: " + printed + "." +
             SuggestEnumValue(*named, printed));
    } else {
      report("Value \"" + printed + "\" does not exist in \"" + n + "\" enum." +
             SuggestEnumValue(*named, printed));
    }
  } else if (n == "Int") {
    if (lit.kind == ast::ValueKind::kInt) {
      report("Int cannot represent non 32-bit signed integer value: " + printed);
    } else {
      report("Int cannot represent non-integer value: " + printed);
    }
  } else if (n == "Float") {
    report("Float cannot represent non numeric value: " + printed);
  } else if (n == "String") {
    report("String cannot represent a non string value: " + printed);
  } else if (n == "Boolean") {
    report("Boolean cannot represent a non boolean value: " + printed);
  } else if (n == "ID") {
    report("ID cannot represent a non-string and non-integer value: " + printed);
  } else {
    report("Expected value of type \"" + location.ToString() + "\", found " + printed + ".");
  }
}

}  // namespace

void CheckLiteral(const ast::Value& lit, const TypeRef& type, const Schema& schema,
                  GraphQLErrors& errors) {
  CheckLiteralAt(lit, type, type, schema, errors);
}

std::optional<json::value> SerializeLeaf(const NamedType& type, const json::value& v,
                                         std::string* error) {
  auto fail = [&](std::string message) -> std::optional<json::value> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  const std::string& n = type.name;
  if (type.kind == TypeKind::kEnum) {
    if (v.is_string() && type.FindEnumValue(std::string(v.as_string()))) return v;
    return fail("Enum \"" + n + "\" cannot represent value: " + Inspect(v));
  }
  if (n == "Int") {
    if (v.is_bool()) return json::value(v.as_bool() ? 1 : 0);
    double d;
    if (v.is_int64()) {
      d = double(v.as_int64());
    } else if (v.is_uint64()) {
      d = double(v.as_uint64());
    } else if (v.is_double()) {
      d = v.as_double();
    } else if (v.is_string()) {
      std::optional<double> parsed = ParseDouble(std::string(v.as_string()));
      if (!parsed) return fail("Int cannot represent non-integer value: " + Inspect(v));
      d = *parsed;
    } else {
      return fail("Int cannot represent non-integer value: " + Inspect(v));
    }
    if (std::floor(d) != d) return fail("Int cannot represent non-integer value: " + Inspect(v));
    if (d < double(kIntMin) || d > double(kIntMax)) {
      return fail("Int cannot represent non 32-bit signed integer value: " + Inspect(v));
    }
    return json::value(static_cast<int64_t>(d));
  }
  if (n == "Float") {
    if (v.is_bool()) return json::value(v.as_bool() ? 1.0 : 0.0);
    if (v.is_number()) return json::value(v.to_number<double>());
    if (v.is_string()) {
      if (std::optional<double> d = ParseDouble(std::string(v.as_string()))) return json::value(*d);
    }
    return fail("Float cannot represent non numeric value: " + Inspect(v));
  }
  if (n == "String" || n == "ID") {
    if (v.is_string()) return v;
    if (v.is_int64()) return json::value(std::to_string(v.as_int64()));
    if (v.is_uint64()) return json::value(std::to_string(v.as_uint64()));
    if (n == "String" && v.is_double()) return json::value(PrintNumber(v.as_double()));
    if (n == "String" && v.is_bool()) return json::value(v.as_bool() ? "true" : "false");
    return fail(n + " cannot represent value: " + Inspect(v));
  }
  if (n == "Boolean") {
    if (v.is_bool()) return v;
    if (v.is_number()) return json::value(v.to_number<double>() != 0);
    return fail("Boolean cannot represent a non boolean value: " + Inspect(v));
  }
  return v;  // a custom scalar is serialized as the resolver gave it
}

std::string Inspect(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return json::serialize(v);
    case json::kind::array: {
      std::string out = "[";
      bool first = true;
      for (const json::value& item : v.as_array()) {
        if (!first) out += ", ";
        first = false;
        out += Inspect(item);
      }
      return out + "]";
    }
    case json::kind::object: {
      if (v.as_object().empty()) return "{}";
      std::string out = "{ ";
      bool first = true;
      for (const auto& kv : v.as_object()) {
        if (!first) out += ", ";
        first = false;
        out += std::string(kv.key()) + ": " + Inspect(kv.value());
      }
      return out + " }";
    }
    case json::kind::double_:
      return PrintNumber(v.as_double());
    default:
      return json::serialize(v);
  }
}

}  // namespace livedrop::graphql
