#pragma once

#include "graphql/resolvers.h"
#include "graphql/schema.h"

// The introspection system (specification section 4): the __schema and __type root fields and
// the resolvers of __Schema, __Type, __Field, __InputValue, __EnumValue and __Directive.
namespace livedrop::graphql {

// The pseudo type under which the root meta fields' resolvers are registered.
inline constexpr char kMetaTypeName[] = "__meta";

const Field& SchemaMetaField();    // __schema: __Schema!
const Field& TypeMetaField();      // __type(name: String!): __Type
const Field& TypenameMetaField();  // __typename: String!

// Registers the introspection resolvers over `schema` (which must outlive `resolvers`).
void AddIntrospectionResolvers(const Schema& schema, Resolvers& resolvers);

}  // namespace livedrop::graphql
