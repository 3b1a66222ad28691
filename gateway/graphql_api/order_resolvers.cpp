#include "clients/orders_client.h"
#include "graphql_api/api_resolvers.h"
#include "graphql_api/resolver_support.h"
#include "routes/requests.h"
#include "routes/views.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

namespace {

json::value OrderNode(const orders::v1::Order& order) { return Node(views::Order(order)); }

}  // namespace

void AddOrderResolvers(graphql::Resolvers& r, const ApiClients& clients) {
  auto& orders = clients.orders;

  // Another buyer's order is not found, as over REST: null.
  r.Field("Query", "order", [&orders](graphql::FieldCall call) {
    orders::v1::GetOrderRequest req;
    req.set_id(StringArg(call, "id"));
    req.set_buyer_id(CallerOf(call).subject);
    orders.GetOrder(std::move(req), ContextOf(call).origin,
                    AnswerOrNull<orders::v1::GetOrderResponse>(
                        call, [](const auto& resp) { return OrderNode(resp.order()); }));
  });
  r.Field("Query", "myOrders", [&orders](graphql::FieldCall call) {
    orders::v1::ListOrdersRequest req;
    req.set_buyer_id(CallerOf(call).subject);
    req.set_limit(FirstOf(call));
    req.set_cursor(AfterOf(call));
    orders.ListOrders(std::move(req), ContextOf(call).origin,
                      Answer<orders::v1::ListOrdersResponse>(call, [](const auto& resp) {
                        json::array nodes;
                        for (const auto& o : resp.items()) nodes.push_back(OrderNode(o));
                        return Connection(std::move(nodes), Cursors(resp.cursors()),
                                          resp.next_cursor());
                      }));
  });
  r.SyncField("Order", "status", EnumMember("status"));
  r.Field("Order", "drop",
          [](graphql::FieldCall call) { call.Load("drop", call.parent().at("dropId")); });

  RateLimits* limits = clients.limits;
  r.Field("Mutation", "placeOrder", [&orders, limits](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireBuyer(caller);
    auto req = requests::NewOrder(InputOf(call), caller.subject, StringArg(call, "idempotencyKey"));
    std::vector<LimitCheck> checks;
    if (limits) checks.push_back({&limits->policies().orders_buyer, caller.subject});
    Limited(
        limits, call, std::move(checks),
        [&orders, call, req](std::function<void()> release) mutable {
          auto answer = Answer<orders::v1::PlaceOrderResponse>(
              call, [](const auto& resp) { return OrderNode(resp.order()); });
          orders.PlaceOrder(std::move(req), ContextOf(call).origin,
                            [answer, release](Outcome<orders::v1::PlaceOrderResponse> outcome) {
                              release();
                              answer(std::move(outcome));
                            });
        },
        "orders-in-flight", caller.subject, limits ? limits->policies().orders_in_flight : 0);
  });
  r.Field("Mutation", "cancelOrder", [&orders](graphql::FieldCall call) {
    orders::v1::CancelOrderRequest req;
    req.set_id(StringArg(call, "id"));
    req.set_buyer_id(CallerOf(call).subject);
    orders.CancelOrder(std::move(req), ContextOf(call).origin,
                       Answer<orders::v1::CancelOrderResponse>(
                           call, [](const auto& resp) { return OrderNode(resp.order()); }));
  });
}

}  // namespace livedrop::gateway::api
