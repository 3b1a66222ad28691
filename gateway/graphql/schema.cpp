#include "graphql/schema.h"

#include <algorithm>

namespace livedrop::graphql {

const InputValue* Field::FindArg(std::string_view name) const {
  for (const InputValue& a : args) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const InputValue* DirectiveType::FindArg(std::string_view name) const {
  for (const InputValue& a : args) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Field* NamedType::FindField(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const InputValue* NamedType::FindInputField(std::string_view name) const {
  for (const InputValue& f : input_fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const EnumValue* NamedType::FindEnumValue(std::string_view name) const {
  for (const EnumValue& v : enum_values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const NamedType* Schema::FindType(std::string_view name) const {
  auto it = types_by_name_.find(std::string(name));
  return it == types_by_name_.end() ? nullptr : it->second;
}

const DirectiveType* Schema::FindDirective(std::string_view name) const {
  auto it = directives_by_name_.find(std::string(name));
  return it == directives_by_name_.end() ? nullptr : it->second;
}

const NamedType* Schema::RootType(ast::OperationType operation) const {
  return roots_[static_cast<int>(operation)];
}

const std::vector<const NamedType*>& Schema::PossibleTypes(const NamedType& type) const {
  static const std::vector<const NamedType*> kNone;
  auto it = possible_types_.find(type.name);
  return it == possible_types_.end() ? kNone : it->second;
}

bool Schema::IsPossibleType(const NamedType& abstract, const NamedType& object) const {
  const std::vector<const NamedType*>& possible = PossibleTypes(abstract);
  return std::find(possible.begin(), possible.end(), &object) != possible.end();
}

bool Schema::IsSubType(const TypeRef& sub, const TypeRef& super) const {
  if (super.IsNonNull()) return sub.IsNonNull() && IsSubType(*sub.of, *super.of);
  if (sub.IsNonNull()) return IsSubType(*sub.of, super);
  if (super.IsList()) return sub.IsList() && IsSubType(*sub.of, *super.of);
  if (sub.IsList()) return false;
  if (sub.name == super.name) return true;
  const NamedType* a = FindType(super.name);
  const NamedType* b = FindType(sub.name);
  if (!a || !b || !a->IsAbstract()) return false;
  if (b->kind == TypeKind::kObject) return IsPossibleType(*a, *b);
  if (b->kind == TypeKind::kInterface) {
    return std::find(b->interfaces.begin(), b->interfaces.end(), a->name) != b->interfaces.end();
  }
  return false;
}

bool Schema::Overlap(const NamedType& a, const NamedType& b) const {
  if (&a == &b) return true;
  if (a.IsAbstract()) {
    if (b.IsAbstract()) {
      for (const NamedType* t : PossibleTypes(a)) {
        if (IsPossibleType(b, *t)) return true;
      }
      return false;
    }
    return IsPossibleType(a, b);
  }
  if (b.IsAbstract()) return IsPossibleType(b, a);
  return false;
}

}  // namespace livedrop::graphql
