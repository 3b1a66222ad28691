#include "graphql/ast.h"

namespace livedrop::graphql::ast {

TypeRef TypeRef::Named(std::string name) {
  TypeRef t;
  t.kind = Kind::kNamed;
  t.name = std::move(name);
  return t;
}

TypeRef TypeRef::ListOf(TypeRef of) {
  TypeRef t;
  t.kind = Kind::kList;
  t.loc = of.loc;
  t.of = std::make_shared<const TypeRef>(std::move(of));
  return t;
}

TypeRef TypeRef::NonNullOf(TypeRef of) {
  TypeRef t;
  t.kind = Kind::kNonNull;
  t.loc = of.loc;
  t.of = std::make_shared<const TypeRef>(std::move(of));
  return t;
}

const std::string& TypeRef::NamedType() const {
  const TypeRef* t = this;
  while (t->kind != Kind::kNamed) t = t->of.get();
  return t->name;
}

std::string TypeRef::ToString() const {
  switch (kind) {
    case Kind::kNamed:
      return name;
    case Kind::kList:
      return "[" + of->ToString() + "]";
    case Kind::kNonNull:
      return of->ToString() + "!";
  }
  return name;
}

bool TypeRef::SameAs(const TypeRef& other) const {
  if (kind != other.kind) return false;
  if (kind == Kind::kNamed) return name == other.name;
  return of->SameAs(*other.of);
}

const char* ToString(OperationType type) {
  switch (type) {
    case OperationType::kQuery:
      return "query";
    case OperationType::kMutation:
      return "mutation";
    case OperationType::kSubscription:
      return "subscription";
  }
  return "query";
}

const FragmentDefinition* Document::FindFragment(const std::string& name) const {
  for (const FragmentDefinition& f : fragments) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace livedrop::graphql::ast
