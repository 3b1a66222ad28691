#pragma once

#include "server/route_table.h"

namespace livedrop::graphql {
class Engine;
}

namespace livedrop::gateway {

class DocumentCache;
class RateLimits;

// GraphQL over HTTP (the GraphQL-over-HTTP specification) at /graphql:
//   POST /graphql                 application/json {query, operationName, variables, extensions}
//   GET  /graphql?query=...       queries only (a mutation is 405)
//   GET  /graphql (text/html)     GraphiQL, from assets built into the gateway
//   GET  /graphql/schema.graphql  the schema (SDL)
// Answers application/graphql-response+json when the client accepts it (request errors are then
// 4xx), else application/json (always 200 once the request is well-formed). A token is optional:
// sent, it must be valid. Subscriptions are served over WebSocket on the same path. With
// `limits`, operations run with the client IP the per-IP limits count (login, register, refresh).
void AddGraphQLRoutes(RouteTable& table, const graphql::Engine& engine, DocumentCache& documents,
                      RateLimits* limits = nullptr);

}  // namespace livedrop::gateway
