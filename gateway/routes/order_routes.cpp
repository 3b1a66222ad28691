#include "routes/order_routes.h"

#include <boost/json.hpp>

#include "clients/orders_client.h"
#include "routes/answer.h"
#include "routes/paging.h"
#include "routes/requests.h"
#include "routes/views.h"
#include "server/json_body.h"
#include "server/rate_limits.h"

namespace livedrop::gateway {

using namespace livedrop::orders::v1;

void AddOrderRoutes(RouteTable& table, OrdersClient& orders, RateLimits* limits) {
  table.Add("POST", "/v1/orders", Access::kAuthenticated, [&orders, limits](const CallPtr& call) {
    requests::RequireBuyer(call->caller());
    auto req = requests::NewOrder(JsonBody::Parse(call->request()), call->caller().subject,
                                  call->request().headers.Get("Idempotency-Key").value_or(""));
    auto place = [&orders, call, req](std::function<void()> release) mutable {
      orders.PlaceOrder(std::move(req), call->origin(),
                        [call, release](Outcome<PlaceOrderResponse> outcome) {
                          release();
                          if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
                          const auto& r = std::get<PlaceOrderResponse>(outcome);
                          // Pending: written and still going (a step failed on the way and
                          // recovery carries it on), so it may yet be charged: 202 with its id.
                          const bool pending = r.order().status() == ORDER_STATUS_PENDING;
                          auto response = http::Response::Json(
                              pending ? 202 : 201,
                              boost::json::serialize(views::Order(r.order())));
                          if (pending) {
                            response.headers.Set("Location", "/v1/orders/" + r.order().id());
                            response.headers.Set("Retry-After", "1");
                          }
                          if (r.replayed()) response.headers.Set("Idempotent-Replayed", "true");
                          call->Reply(std::move(response));
                        });
    };
    if (limits == nullptr) return place([] {});
    const std::string& buyer = call->caller().subject;
    limits->AdmitInFlight(call, {{&limits->policies().orders_buyer, buyer}}, "orders-in-flight",
                          buyer, limits->policies().orders_in_flight, limits->in_flight_ttl(),
                          std::move(place));
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
