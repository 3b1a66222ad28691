#include "cache/drop_view_store.h"
#include "clients/drops_client.h"
#include "clients/inventory_client.h"
#include "graphql_api/api_resolvers.h"
#include "graphql_api/id_loader.h"
#include "livedrop/core/paging.h"
#include "routes/requests.h"
#include "routes/views.h"

namespace livedrop::gateway::api {
namespace json = boost::json;

namespace {

// inventory's bound on GetStocks.
constexpr std::size_t kStocksPerCall = 100;

json::value DropNode(const drops::v1::Drop& drop) { return Node(views::Drop(drop)); }

// A batch read that answers the ids `views` holds from their views (the drop with inventory's
// stock, as GET /v1/drops/{id} serves it), asks `ask` for the others only, and hands `done` one
// response with both (IdLoader matches items by id, so their order does not matter).
template <class Response, class Ask, class AddHeld>
void AnswerHeldFirst(DropViewStore* views, std::vector<std::string> ids,
                     const rpc::CallOrigin& origin, Done<Response> done, Ask ask,
                     AddHeld add_held) {
  Response held;
  std::vector<std::string> rest;
  for (auto& id : ids) {
    if (const auto view = views != nullptr ? views->Find(id) : nullptr) {
      add_held(held, *view);
    } else {
      rest.push_back(std::move(id));
    }
  }
  if (rest.empty()) return done(std::move(held));
  ask(std::move(rest), origin, [held = std::move(held), done](Outcome<Response> outcome) {
    if (auto* response = std::get_if<Response>(&outcome)) response->MergeFrom(held);
    done(std::move(outcome));
  });
}

}  // namespace

void AddDropResolvers(graphql::Resolvers& r, const ApiClients& clients) {
  auto& drops = clients.drops;
  auto& inventory = clients.inventory;
  auto* views = clients.drop_views;

  r.Loader("drop", IdLoader<drops::v1::GetDropsResponse>(
                       kMaxPageSize,
                       [&drops, views](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                                       Done<drops::v1::GetDropsResponse> done) {
                         AnswerHeldFirst<drops::v1::GetDropsResponse>(
                             views, std::move(ids), origin, std::move(done),
                             [&drops](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                                      Done<drops::v1::GetDropsResponse> done) {
                               drops::v1::GetDropsRequest req;
                               for (auto& id : ids) req.add_ids(std::move(id));
                               drops.GetDrops(std::move(req), origin, std::move(done));
                             },
                             [](drops::v1::GetDropsResponse& held, const DropView& view) {
                               *held.add_drops() = view.drop;
                             });
                       },
                       [](const drops::v1::GetDropsResponse& resp) { return resp.drops(); },
                       [](const drops::v1::Drop& d) { return d.id(); }, DropNode));
  r.Loader("product",
           IdLoader<drops::v1::GetProductsResponse>(
               kMaxPageSize,
               [&drops](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                        Done<drops::v1::GetProductsResponse> done) {
                 drops::v1::GetProductsRequest req;
                 for (auto& id : ids) req.add_ids(std::move(id));
                 drops.GetProducts(std::move(req), origin, std::move(done));
               },
               [](const drops::v1::GetProductsResponse& resp) { return resp.products(); },
               [](const drops::v1::Product& p) { return p.id(); },
               [](const drops::v1::Product& p) { return Node(views::Product(p)); }));
  r.Loader("stock",
           IdLoader<inventory::v1::GetStocksResponse>(
               kStocksPerCall,
               [&inventory, views](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                                   Done<inventory::v1::GetStocksResponse> done) {
                 AnswerHeldFirst<inventory::v1::GetStocksResponse>(
                     views, std::move(ids), origin, std::move(done),
                     [&inventory](std::vector<std::string> ids, const rpc::CallOrigin& origin,
                                  Done<inventory::v1::GetStocksResponse> done) {
                       inventory::v1::GetStocksRequest req;
                       for (auto& id : ids) req.add_drop_ids(std::move(id));
                       inventory.GetStocks(std::move(req), origin, std::move(done));
                     },
                     [](inventory::v1::GetStocksResponse& held, const DropView& view) {
                       auto& stock = *held.add_stocks();
                       stock.set_drop_id(view.drop.id());
                       stock.set_available(view.drop.available());
                       stock.set_version(view.stock_version);
                     });
               },
               [](const inventory::v1::GetStocksResponse& resp) { return resp.stocks(); },
               [](const inventory::v1::Stock& s) { return s.drop_id(); },
               [](const inventory::v1::Stock& s) -> json::value { return s.available(); }));

  r.Field("Query", "drop",
          [](graphql::FieldCall call) { call.Load("drop", json::value(StringArg(call, "id"))); });
  r.Field("Query", "product", [](graphql::FieldCall call) {
    call.Load("product", json::value(StringArg(call, "id")));
  });
  r.Field("Query", "drops", [&drops](graphql::FieldCall call) {
    drops::v1::ListDropsRequest req;
    const auto* status = call.args().if_contains("status");
    if (status != nullptr && status->is_string()) {
      req.set_status(requests::DropStatusFilter(RestName(std::string(status->as_string()))));
    }
    const auto* creator = call.args().if_contains("creatorId");
    if (creator != nullptr && creator->is_string()) {
      req.set_creator_id(std::string(creator->as_string()));
    }
    req.set_limit(FirstOf(call));
    req.set_cursor(AfterOf(call));
    drops.ListDrops(std::move(req), ContextOf(call).origin,
                    Answer<drops::v1::ListDropsResponse>(call, [](const auto& resp) {
                      json::array nodes;
                      for (const auto& d : resp.items()) nodes.push_back(DropNode(d));
                      return Connection(std::move(nodes), Cursors(resp.cursors()),
                                        resp.next_cursor());
                    }));
  });

  // As views::ShownStatus: a live drop whose live stock is 0 is SOLD_OUT (drops learns of a
  // sell-out only through an event); the stock comes from the same batched load as available.
  r.Field("Drop", "status", [status = EnumMember("status")](graphql::FieldCall call) {
    auto shown = status(call);
    if (!shown.is_string() || shown.as_string() != "LIVE") return call.Resolve(std::move(shown));
    call.Load("stock", call.parent().at("id"),
              [shown](const graphql::FieldCall& call, const graphql::Outcome& stock) {
                const bool none_left =
                    stock.ok() && stock.value().is_int64() && stock.value().as_int64() == 0;
                call.Resolve(none_left ? json::value("SOLD_OUT") : shown);
              });
  });
  // Live stock from inventory, batched for a page of drops; what drops knows when inventory
  // does not answer (as GET /v1/drops/{id}).
  r.Field("Drop", "available", [](graphql::FieldCall call) {
    call.Load("stock", call.parent().at("id"),
              [](const graphql::FieldCall& call, const graphql::Outcome& stock) {
                if (stock.ok() && stock.value().is_int64()) return call.Resolve(stock.value());
                call.Resolve(call.parent().at("available"));
              });
  });
  r.Field("Drop", "product", [](graphql::FieldCall call) {
    if (const auto* product = call.parent().as_object().if_contains("product")) {
      return call.Resolve(*product);
    }
    call.Load("product", call.parent().at("productId"));
  });

  r.Field("Mutation", "createProduct", [&drops](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    drops.CreateProduct(requests::NewProduct(InputOf(call), caller.subject), ContextOf(call).origin,
                        Answer<drops::v1::CreateProductResponse>(call, [](const auto& resp) {
                          return Node(views::Product(resp.product()));
                        }));
  });
  r.Field("Mutation", "createDrop", [&drops](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    drops.CreateDrop(requests::NewDrop(InputOf(call), caller.subject), ContextOf(call).origin,
                     Answer<drops::v1::CreateDropResponse>(
                         call, [](const auto& resp) { return DropNode(resp.drop()); }));
  });
  r.Field("Mutation", "cancelDrop", [&drops](graphql::FieldCall call) {
    const auto& caller = CallerOf(call);
    requests::RequireCreator(caller);
    drops::v1::CancelDropRequest req;
    req.set_id(StringArg(call, "id"));
    req.set_creator_id(caller.subject);
    drops.CancelDrop(std::move(req), ContextOf(call).origin,
                     Answer<drops::v1::CancelDropResponse>(
                         call, [](const auto& resp) { return DropNode(resp.drop()); }));
  });
}

}  // namespace livedrop::gateway::api
