#include "graphql/schema_printer.h"

#include "graphql/value_printer.h"

namespace livedrop::graphql {
namespace {

constexpr char kDefaultDeprecationReason[] = "No longer supported";

std::string Description(const std::optional<std::string>& description,
                        const std::string& indentation = "", bool first_in_block = true) {
  if (!description) return "";
  std::string block = IsPrintableAsBlockString(*description) ? PrintBlockString(*description)
                                                             : PrintString(*description);
  std::string prefix = !indentation.empty() && !first_in_block ? "\n" + indentation : indentation;
  std::string indented;
  for (char c : block) {
    indented += c;
    if (c == '\n') indented += indentation;
  }
  return prefix + indented + "\n";
}

std::string Deprecated(const std::optional<std::string>& reason) {
  if (!reason) return "";
  if (*reason == kDefaultDeprecationReason) return " @deprecated";
  return " @deprecated(reason: " + PrintString(*reason) + ")";
}

class Printer {
 public:
  explicit Printer(const Schema& schema) : schema_(schema) {}

  std::string Print() {
    std::vector<std::string> parts;
    if (std::string def = SchemaDefinition(); !def.empty()) parts.push_back(def);
    for (const DirectiveType* d : schema_.Directives()) {
      if (!d->built_in) parts.push_back(Directive(*d));
    }
    for (const NamedType* t : schema_.Types()) {
      if (!t->built_in) parts.push_back(Type(*t));
    }
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i) out += "\n\n";
      out += parts[i];
    }
    return out;
  }

 private:
  std::string SchemaDefinition() {
    const char* const kNames[] = {"Query", "Mutation", "Subscription"};
    const char* const kOps[] = {"query", "mutation", "subscription"};
    bool common = true;
    std::string roots;
    for (int i = 0; i < 3; ++i) {
      const NamedType* t = schema_.RootType(static_cast<ast::OperationType>(i));
      if (!t) continue;
      if (t->name != kNames[i]) common = false;
      roots += std::string("  ") + kOps[i] + ": " + t->name + "\n";
    }
    if (common && !schema_.description()) return "";
    return Description(schema_.description()) + "schema {\n" + roots + "}";
  }

  std::string InputValueText(const InputValue& v) {
    std::string out = v.name + ": " + v.type.ToString();
    if (v.default_value) out += " = " + PrintValue(*v.default_value, v.type, schema_);
    return out + Deprecated(v.deprecation_reason);
  }

  std::string Args(const std::vector<InputValue>& args, const std::string& indentation = "") {
    if (args.empty()) return "";
    bool any_description = false;
    for (const InputValue& a : args) any_description = any_description || a.description;
    std::string out = "(";
    if (!any_description) {
      for (size_t i = 0; i < args.size(); ++i) {
        if (i) out += ", ";
        out += InputValueText(args[i]);
      }
      return out + ")";
    }
    out += "\n";
    for (size_t i = 0; i < args.size(); ++i) {
      if (i) out += "\n";
      out += Description(args[i].description, "  " + indentation, i == 0) + "  " + indentation +
             InputValueText(args[i]);
    }
    return out + "\n" + indentation + ")";
  }

  static std::string Block(const std::vector<std::string>& items) {
    if (items.empty()) return "";
    std::string out = " {\n";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += "\n";
      out += items[i];
    }
    return out + "\n}";
  }

  std::string Directive(const DirectiveType& d) {
    std::string out = Description(d.description) + "directive @" + d.name + Args(d.args) +
                      (d.repeatable ? " repeatable" : "") + " on ";
    for (size_t i = 0; i < d.locations.size(); ++i) {
      if (i) out += " | ";
      out += d.locations[i];
    }
    return out;
  }

  std::string Fields(const NamedType& t) {
    std::vector<std::string> items;
    for (size_t i = 0; i < t.fields.size(); ++i) {
      const Field& f = t.fields[i];
      items.push_back(Description(f.description, "  ", i == 0) + "  " + f.name +
                      Args(f.args, "  ") + ": " + f.type.ToString() +
                      Deprecated(f.deprecation_reason));
    }
    return Block(items);
  }

  static std::string Interfaces(const NamedType& t) {
    if (t.interfaces.empty()) return "";
    std::string out = " implements ";
    for (size_t i = 0; i < t.interfaces.size(); ++i) {
      if (i) out += " & ";
      out += t.interfaces[i];
    }
    return out;
  }

  std::string Type(const NamedType& t) {
    std::string head = Description(t.description);
    switch (t.kind) {
      case TypeKind::kScalar:
        return head + "scalar " + t.name +
               (t.specified_by_url ? " @specifiedBy(url: " + PrintString(*t.specified_by_url) + ")"
                                   : "");
      case TypeKind::kObject:
        return head + "type " + t.name + Interfaces(t) + Fields(t);
      case TypeKind::kInterface:
        return head + "interface " + t.name + Interfaces(t) + Fields(t);
      case TypeKind::kUnion: {
        std::string out = head + "union " + t.name;
        for (size_t i = 0; i < t.members.size(); ++i) out += (i ? " | " : " = ") + t.members[i];
        return out;
      }
      case TypeKind::kEnum: {
        std::vector<std::string> items;
        for (size_t i = 0; i < t.enum_values.size(); ++i) {
          const EnumValue& v = t.enum_values[i];
          items.push_back(Description(v.description, "  ", i == 0) + "  " + v.name +
                          Deprecated(v.deprecation_reason));
        }
        return head + "enum " + t.name + Block(items);
      }
      case TypeKind::kInputObject: {
        std::vector<std::string> items;
        for (size_t i = 0; i < t.input_fields.size(); ++i) {
          const InputValue& f = t.input_fields[i];
          items.push_back(Description(f.description, "  ", i == 0) + "  " + InputValueText(f));
        }
        return head + "input " + t.name + Block(items);
      }
    }
    return "";
  }

  const Schema& schema_;
};

}  // namespace

std::string PrintSchema(const Schema& schema) { return Printer(schema).Print(); }

}  // namespace livedrop::graphql
