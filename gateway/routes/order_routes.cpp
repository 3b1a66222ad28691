#include "routes/order_routes.h"

#include <boost/json.hpp>

#include "clients/orders_client.h"
#include "routes/answer.h"
#include "routes/paging.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {
namespace {

using namespace livedrop::orders::v1;

void RequireBuyerRole(const RouteCall& call) {
  if (call.caller().role != "buyer") {
    throw Error(ErrorKind::kPermissionDenied, "buyers_only", "only buyers can place orders");
  }
}

}  // namespace

void AddOrderRoutes(RouteTable& table, OrdersClient& orders) {
  table.Add("POST", "/v1/orders", Access::kAuthenticated, [&orders](const CallPtr& call) {
    RequireBuyerRole(*call);
    const auto body = JsonBody::Parse(call->request());
    PlaceOrderRequest req;
    req.set_buyer_id(call->caller().subject);
    req.set_idempotency_key(call->request().headers.Get("Idempotency-Key").value_or(""));
    req.set_drop_id(body.RequiredString("drop_id", 64));
    req.set_quantity(body.RequiredInt32("quantity"));
    req.set_payment_token(body.RequiredString("payment_token", 255));
    orders.PlaceOrder(std::move(req), call->origin(), [call](Outcome<PlaceOrderResponse> outcome) {
      if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
      const auto& r = std::get<PlaceOrderResponse>(outcome);
      auto response = http::Response::Json(201, boost::json::serialize(views::Order(r.order())));
      if (r.replayed()) response.headers.Set("Idempotent-Replayed", "true");
      call->Reply(std::move(response));
    });
  });

  table.Add("GET", "/v1/orders/{id}", Access::kAuthenticated, [&orders](const CallPtr& call) {
    GetOrderRequest req;
    req.set_id(call->PathParam("id"));
    req.set_buyer_id(call->caller().subject);
    orders.GetOrder(
        std::move(req), call->origin(),
        Answer<GetOrderResponse>(call, 200, [](const auto& r) { return views::Order(r.order()); }));
  });

  table.Add(
      "POST", "/v1/orders/{id}/cancel", Access::kAuthenticated, [&orders](const CallPtr& call) {
        CancelOrderRequest req;
        req.set_id(call->PathParam("id"));
        req.set_buyer_id(call->caller().subject);
        orders.CancelOrder(std::move(req), call->origin(),
                           Answer<CancelOrderResponse>(
                               call, 200, [](const auto& r) { return views::Order(r.order()); }));
      });

  table.Add("GET", "/v1/me/orders", Access::kAuthenticated, [&orders](const CallPtr& call) {
    const auto page = ReadPageRequest(call->request());
    ListOrdersRequest req;
    req.set_buyer_id(call->caller().subject);
    req.set_limit(page.limit);
    req.set_cursor(page.cursor);
    orders.ListOrders(std::move(req), call->origin(), [call](Outcome<ListOrdersResponse> outcome) {
      if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
      const auto& r = std::get<ListOrdersResponse>(outcome);
      boost::json::array items;
      for (const auto& o : r.items()) items.push_back(views::Order(o));
      call->ReplyJson(200, PageJson(std::move(items), r.next_cursor()));
    });
  });
}

}  // namespace livedrop::gateway
