#pragma once

#include "graphql/resolvers.h"
#include "graphql_api/api.h"

// The resolvers of the API, one set per part of the schema (each in its own file).
namespace livedrop::gateway::api {

// me, creator, Creator.*, Drop.creator, Product.creator, register, login, refresh, logout,
// follow, unfollow; loaders "user" and "counts".
void AddAccountResolvers(graphql::Resolvers& r, const ApiClients& clients);
// drop, drops, product, Drop.*, createProduct, createDrop, cancelDrop; loaders "drop",
// "product", "stock".
void AddDropResolvers(graphql::Resolvers& r, const ApiClients& clients);
// ProductImage.status, requestImageUpload, completeImageUpload, deleteProductImage.
void AddImageResolvers(graphql::Resolvers& r, const ApiClients& clients);
// order, myOrders, Order.*, placeOrder, cancelOrder.
void AddOrderResolvers(graphql::Resolvers& r, const ApiClients& clients);
// notifications.
void AddNotificationResolvers(graphql::Resolvers& r, const ApiClients& clients);

}  // namespace livedrop::gateway::api
