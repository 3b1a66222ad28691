#include "graphql_api/api.h"

#include "graphql_api/api_resolvers.h"
#include "graphql_api_schema.h"  // generated: kApiSchemaSdl, from schema.graphql

namespace livedrop::gateway {

std::string_view ApiSchemaSdl() { return kApiSchemaSdl; }

std::shared_ptr<const graphql::Engine> MakeApiEngine(const ApiClients& clients,
                                                     graphql::EngineOptions options) {
  auto schema = graphql::Schema::FromSdl(ApiSchemaSdl());
  graphql::Resolvers resolvers;
  api::AddAccountResolvers(resolvers, clients);
  api::AddDropResolvers(resolvers, clients);
  api::AddImageResolvers(resolvers, clients);
  api::AddOrderResolvers(resolvers, clients);
  api::AddNotificationResolvers(resolvers, clients);
  return std::make_shared<graphql::Engine>(std::move(schema), std::move(resolvers), options);
}

}  // namespace livedrop::gateway
