#include "routes/drop_routes.h"

#include <boost/json.hpp>
#include <mutex>
#include <optional>

#include "cache/drop_view_store.h"
#include "clients/drops_client.h"
#include "clients/inventory_client.h"
#include "livedrop/grpc/proto_values.h"
#include "routes/answer.h"
#include "routes/paging.h"
#include "routes/requests.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {
namespace {

using namespace livedrop::drops::v1;

void ReplyView(const CallPtr& call, const DropView& view) {
  call->ReplyPublic(view.body, view.etag);
}

// GET /v1/drops/{id} not held in the store: the drop from drops and its live stock from
// inventory, asked at once, then kept in the store. Without an answer from inventory the view
// keeps what drops knows (quantity, 0 if sold out) and is not kept.
class DropWithStock : public std::enable_shared_from_this<DropWithStock> {
 public:
  DropWithStock(CallPtr call, DropViewStore& views)
      : call_(std::move(call)), views_(views), mark_(views.Mark()) {}

  void Start(DropsClient& drops, InventoryClient& inventory) {
    GetDropRequest drop_req;
    drop_req.set_id(call_->PathParam("id"));
    inventory::v1::GetStockRequest stock_req;
    stock_req.set_drop_id(call_->PathParam("id"));
    auto self = shared_from_this();
    drops.GetDrop(std::move(drop_req), call_->origin(), [self](Outcome<GetDropResponse> o) {
      std::lock_guard lock(self->mutex_);
      self->drop_ = std::move(o);
      self->FinishIfBothLocked();
    });
    inventory.GetStock(std::move(stock_req), call_->origin(),
                       [self](Outcome<inventory::v1::GetStockResponse> o) {
                         std::lock_guard lock(self->mutex_);
                         if (auto* r = std::get_if<inventory::v1::GetStockResponse>(&o)) {
                           self->available_ = r->stock().available();
                           self->stock_version_ = r->stock().version();
                         }
                         self->stock_done_ = true;
                         self->FinishIfBothLocked();
                       });
  }

 private:
  void FinishIfBothLocked() {
    if (!drop_ || !stock_done_) return;
    if (auto* e = std::get_if<Error>(&*drop_)) return call_->Fail(*e);
    auto drop = std::get<GetDropResponse>(*drop_).drop();
    if (available_) {
      return ReplyView(call_, *views_.Fill(mark_, std::move(drop), *available_, stock_version_));
    }
    call_->ReplyPublic(boost::json::serialize(views::Drop(drop)));
  }

  CallPtr call_;
  DropViewStore& views_;
  const std::uint64_t mark_;
  std::mutex mutex_;
  std::optional<Outcome<GetDropResponse>> drop_;
  bool stock_done_ = false;
  std::optional<int> available_;
  std::int64_t stock_version_ = 0;
};

}  // namespace

void AddDropRoutes(RouteTable& table, DropsClient& drops, InventoryClient& inventory,
                   DropViewStore& views) {
  table.Add("POST", "/v1/products", Access::kAuthenticated, [&drops](const CallPtr& call) {
    requests::RequireCreator(call->caller());
    drops.CreateProduct(
        requests::NewProduct(JsonBody::Parse(call->request()), call->caller().subject),
        call->origin(), Answer<CreateProductResponse>(call, 201, [](const auto& r) {
          return views::Product(r.product());
        }));
  });

  table.Add("GET", "/v1/products/{id}", Access::kPublic, [&drops](const CallPtr& call) {
    GetProductRequest req;
    req.set_id(call->PathParam("id"));
    drops.GetProduct(std::move(req), call->origin(),
                     AnswerCacheable<GetProductResponse>(
                         call, [](const auto& r) { return views::Product(r.product()); }));
  });

  table.Add("POST", "/v1/drops", Access::kAuthenticated, [&drops](const CallPtr& call) {
    requests::RequireCreator(call->caller());
    drops.CreateDrop(
        requests::NewDrop(JsonBody::Parse(call->request()), call->caller().subject), call->origin(),
        Answer<CreateDropResponse>(call, 201, [](const auto& r) { return views::Drop(r.drop()); }));
  });

  table.Add("GET", "/v1/drops/{id}", Access::kPublic,
            [&drops, &inventory, &views](const CallPtr& call) {
              if (const auto view = views.Find(call->PathParam("id"))) {
                return ReplyView(call, *view);
              }
              std::make_shared<DropWithStock>(call, views)->Start(drops, inventory);
            });

  table.Add("GET", "/v1/drops", Access::kPublic, [&drops](const CallPtr& call) {
    const auto page = ReadPageRequest(call->request());
    ListDropsRequest req;
    req.set_status(requests::DropStatusFilter(call->request().QueryParam("status").value_or("")));
    req.set_creator_id(call->request().QueryParam("creator_id").value_or(""));
    req.set_limit(page.limit);
    req.set_cursor(page.cursor);
    drops.ListDrops(std::move(req), call->origin(), [call](Outcome<ListDropsResponse> outcome) {
      if (auto* e = std::get_if<Error>(&outcome)) return call->Fail(*e);
      const auto& r = std::get<ListDropsResponse>(outcome);
      boost::json::array items;
      for (const auto& d : r.items()) items.push_back(views::Drop(d));
      call->ReplyJson(200, PageJson(std::move(items), r.next_cursor()));
    });
  });

  // The held view takes the cancellation at once, so a read after it through this gateway
  // shows it (other gateways learn it from drop_cancelled).
  table.Add("POST", "/v1/drops/{id}/cancel", Access::kAuthenticated,
            [&drops, &views](const CallPtr& call) {
              requests::RequireCreator(call->caller());
              CancelDropRequest req;
              req.set_id(call->PathParam("id"));
              req.set_creator_id(call->caller().subject);
              drops.CancelDrop(std::move(req), call->origin(),
                               Answer<CancelDropResponse>(call, 200, [&views](const auto& r) {
                                 views.ApplyDrop(r.drop());
                                 return views::Drop(r.drop());
                               }));
            });
}

}  // namespace livedrop::gateway
