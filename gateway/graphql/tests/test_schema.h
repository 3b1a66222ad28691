#pragma once

// The schema the engine's tests run against.
namespace livedrop::graphql::testing {

inline constexpr char kTestSdl[] = R"(
type Query {
  drops(first: Int = 10): [Drop!]!
  drop(id: ID!): Drop
  node(id: ID!): Node
  search: [SearchResult!]!
  echo(s: String, n: Int, list: [Int!], input: EchoInput, status: Status): String
  failing: String
  version: Int
  hello: String
}

type Mutation {
  add(n: Int!): Int!
}

type Subscription {
  dropEvents(creatorId: ID): DropEvent
}

type DropEvent {
  dropId: ID!
  kind: String
}

interface Node {
  id: ID!
}

type Drop implements Node {
  id: ID!
  title: String
  status: Status
  creator: User
  price: Float
  tags: [String]
  strict: String!
  related(first: Int): [Drop!]
}

type User implements Node {
  id: ID!
  name: String
  drops(first: Int): [Drop!]!
}

union SearchResult = Drop | User

enum Status {
  LIVE
  ENDED
  OLD @deprecated(reason: "Gone.")
}

input EchoInput {
  a: Int = 5
  b: String!
}
)";

}  // namespace livedrop::graphql::testing
