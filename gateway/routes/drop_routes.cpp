#include "routes/drop_routes.h"

#include <boost/json.hpp>
#include <mutex>
#include <optional>

#include "clients/drops_client.h"
#include "clients/inventory_client.h"
#include "livedrop/grpc/proto_values.h"
#include "routes/answer.h"
#include "routes/paging.h"
#include "routes/views.h"
#include "server/json_body.h"

namespace livedrop::gateway {
namespace {

using namespace livedrop::drops::v1;

void RequireCreatorRole(const RouteCall& call) {
  if (call.caller().role != "creator") {
    throw Error(ErrorKind::kPermissionDenied, "creators_only", "only creators can do this");
  }
}

DropStatus ParseStatusFilter(const std::string& status) {
  if (status.empty()) return DROP_STATUS_UNSPECIFIED;
  for (auto s : {DROP_STATUS_SCHEDULED, DROP_STATUS_LIVE, DROP_STATUS_SOLD_OUT, DROP_STATUS_ENDED,
                 DROP_STATUS_CANCELLED}) {
    if (status == views::DropStatusName(s)) return s;
  }
  throw ValidationError("status", "status must be scheduled, live, sold_out, ended or cancelled");
}

// GET /v1/drops/{id}: the drop from drops and its live stock from inventory, asked at once.
// Without an answer from inventory the view keeps what drops knows (quantity, 0 if sold out).
class DropWithStock : public std::enable_shared_from_this<DropWithStock> {
 public:
  explicit DropWithStock(CallPtr call) : call_(std::move(call)) {}

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
    if (available_) drop.set_available(*available_);
    call_->ReplyJson(200, boost::json::serialize(views::Drop(drop)));
  }

  CallPtr call_;
  std::mutex mutex_;
  std::optional<Outcome<GetDropResponse>> drop_;
  bool stock_done_ = false;
  std::optional<int> available_;
};

}  // namespace

void AddDropRoutes(RouteTable& table, DropsClient& drops, InventoryClient& inventory) {
  table.Add("POST", "/v1/products", Access::kAuthenticated, [&drops](const CallPtr& call) {
    RequireCreatorRole(*call);
    const auto body = JsonBody::Parse(call->request());
    CreateProductRequest req;
    req.set_creator_id(call->caller().subject);
    req.set_title(body.RequiredString("title", 1024));
    req.set_description(body.OptionalString("description", 20000).value_or(""));
    req.mutable_price()->set_unit_amount(body.RequiredInt("unit_amount"));
    req.mutable_price()->set_currency(body.RequiredString("currency", 8));
    for (auto& url : body.OptionalStringArray("image_urls", 10, 2048)) req.add_image_urls(url);
    drops.CreateProduct(std::move(req), call->origin(),
                        Answer<CreateProductResponse>(
                            call, 201, [](const auto& r) { return views::Product(r.product()); }));
  });

  table.Add("GET", "/v1/products/{id}", Access::kPublic, [&drops](const CallPtr& call) {
    GetProductRequest req;
    req.set_id(call->PathParam("id"));
    drops.GetProduct(std::move(req), call->origin(),
                     Answer<GetProductResponse>(
                         call, 200, [](const auto& r) { return views::Product(r.product()); }));
  });

  table.Add("POST", "/v1/drops", Access::kAuthenticated, [&drops](const CallPtr& call) {
    RequireCreatorRole(*call);
    const auto body = JsonBody::Parse(call->request());
    CreateDropRequest req;
    req.set_creator_id(call->caller().subject);
    req.set_product_id(body.RequiredString("product_id", 64));
    rpc::SetTimestamp(body.RequiredTime("starts_at"), req.mutable_starts_at());
    rpc::SetTimestamp(body.RequiredTime("ends_at"), req.mutable_ends_at());
    req.set_quantity(body.RequiredInt32("quantity"));
    req.set_per_buyer_limit(body.RequiredInt32("per_buyer_limit"));
    drops.CreateDrop(
        std::move(req), call->origin(),
        Answer<CreateDropResponse>(call, 201, [](const auto& r) { return views::Drop(r.drop()); }));
  });

  table.Add("GET", "/v1/drops/{id}", Access::kPublic, [&drops, &inventory](const CallPtr& call) {
    std::make_shared<DropWithStock>(call)->Start(drops, inventory);
  });

  table.Add("GET", "/v1/drops", Access::kPublic, [&drops](const CallPtr& call) {
    const auto page = ReadPageRequest(call->request());
    ListDropsRequest req;
    req.set_status(ParseStatusFilter(call->request().QueryParam("status").value_or("")));
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

  table.Add("POST", "/v1/drops/{id}/cancel", Access::kAuthenticated, [&drops](const CallPtr& call) {
    RequireCreatorRole(*call);
    CancelDropRequest req;
    req.set_id(call->PathParam("id"));
    req.set_creator_id(call->caller().subject);
    drops.CancelDrop(
        std::move(req), call->origin(),
        Answer<CancelDropResponse>(call, 200, [](const auto& r) { return views::Drop(r.drop()); }));
  });
}

}  // namespace livedrop::gateway
