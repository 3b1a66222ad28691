#include "clients/inventory_grpc_client.h"

#include "livedrop/grpc/client.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/grpc/status.h"
#include "livedrop/inventory/v1/inventory.grpc.pb.h"

namespace livedrop::orders {
namespace {

using common::v1::Reason;

// The reasons inventory answers with that are answers rather than failures.
std::optional<ReserveRefusal> AsRefusal(Reason reason) {
  switch (reason) {
    case common::v1::REASON_SOLD_OUT:
      return ReserveRefusal::kSoldOut;
    case common::v1::REASON_LIMIT_EXCEEDED:
      return ReserveRefusal::kLimitExceeded;
    case common::v1::REASON_NOT_FOUND:
      return ReserveRefusal::kNoStock;
    case common::v1::REASON_DROP_NOT_LIVE:
      return ReserveRefusal::kDropNotLive;
    case common::v1::REASON_VALIDATION_FAILED:
      return ReserveRefusal::kInvalid;
    default:
      return std::nullopt;
  }
}

std::optional<HoldGone> ConfirmHoldGone(Reason reason) {
  switch (reason) {
    case common::v1::REASON_RESERVATION_NOT_HELD:
      return HoldGone::kNotHeld;
    case common::v1::REASON_NOT_FOUND:
      return HoldGone::kNoReservation;
    default:
      return std::nullopt;
  }
}

ReservationState FromProto(inventory::v1::ReservationState state) {
  switch (state) {
    case inventory::v1::RESERVATION_STATE_HELD:
      return ReservationState::kHeld;
    case inventory::v1::RESERVATION_STATE_CONFIRMED:
      return ReservationState::kConfirmed;
    case inventory::v1::RESERVATION_STATE_RELEASED:
      return ReservationState::kReleased;
    default:  // expired, or a state this build does not know: not a hold either way
      return ReservationState::kExpired;
  }
}

}  // namespace

struct InventoryGrpcClient::Stub {
  std::unique_ptr<inventory::v1::InventoryService::Stub> stub;
};

InventoryGrpcClient::InventoryGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                                         std::chrono::milliseconds timeout)
    : stub_(std::make_unique<Stub>(
          Stub{inventory::v1::InventoryService::NewStub(std::move(channel))})),
      timeout_(timeout) {}

InventoryGrpcClient::~InventoryGrpcClient() = default;

void InventoryGrpcClient::Reserve(const ReserveRequest& request, Then<ReserveResult> then) {
  inventory::v1::ReserveRequest req;
  req.set_drop_id(request.drop_id);
  req.set_order_id(request.order_id);
  req.set_buyer_id(request.buyer_id);
  req.set_quantity(request.quantity);
  rpc::CallAsync<inventory::v1::ReserveRequest, inventory::v1::ReserveResponse>(
      timeout_, std::move(req),
      [this](auto* ctx, auto* req, auto* resp, auto done) {
        stub_->stub->async()->Reserve(ctx, req, resp, std::move(done));
      },
      [then = std::move(then)](const ::grpc::Status& status, inventory::v1::ReserveResponse& resp) {
        then(Reply<ReserveResult>::From([&] {
          if (status.ok()) {
            return ReserveResult{std::nullopt, FromProto(resp.reservation().state()), ""};
          }
          const Error error = rpc::FromStatus(status);
          if (const auto refusal = AsRefusal(rpc::ReasonOf(error))) {
            return ReserveResult{refusal, {}, error.what()};
          }
          throw error;
        }));
      });
}

void InventoryGrpcClient::Confirm(const std::string& order_id, const std::string& drop_id,
                                  Then<std::optional<HoldGone>> then) {
  inventory::v1::ConfirmRequest req;
  req.set_order_id(order_id);
  req.set_drop_id(drop_id);
  rpc::CallAsync<inventory::v1::ConfirmRequest, inventory::v1::ConfirmResponse>(
      timeout_, std::move(req),
      [this](auto* ctx, auto* req, auto* resp, auto done) {
        stub_->stub->async()->Confirm(ctx, req, resp, std::move(done));
      },
      [then = std::move(then)](const ::grpc::Status& status, inventory::v1::ConfirmResponse&) {
        then(Reply<std::optional<HoldGone>>::From([&]() -> std::optional<HoldGone> {
          if (status.ok()) return std::nullopt;
          const Error error = rpc::FromStatus(status);
          if (const auto gone = ConfirmHoldGone(rpc::ReasonOf(error))) return gone;
          throw error;
        }));
      });
}

void InventoryGrpcClient::Release(const std::string& order_id, const std::string& drop_id,
                                  Then<std::optional<HoldGone>> then) {
  inventory::v1::ReleaseRequest req;
  req.set_order_id(order_id);
  req.set_drop_id(drop_id);
  rpc::CallAsync<inventory::v1::ReleaseRequest, inventory::v1::ReleaseResponse>(
      timeout_, std::move(req),
      [this](auto* ctx, auto* req, auto* resp, auto done) {
        stub_->stub->async()->Release(ctx, req, resp, std::move(done));
      },
      [then = std::move(then)](const ::grpc::Status& status, inventory::v1::ReleaseResponse&) {
        then(Reply<std::optional<HoldGone>>::From([&]() -> std::optional<HoldGone> {
          if (status.ok()) return std::nullopt;  // released now, or lapsed / released before
          const Error error = rpc::FromStatus(status);
          switch (rpc::ReasonOf(error)) {
            case common::v1::REASON_NOT_FOUND:
              return HoldGone::kNoReservation;
            case common::v1::REASON_RESERVATION_CONFIRMED:
              return HoldGone::kConfirmed;
            default:
              throw error;
          }
        }));
      });
}

}  // namespace livedrop::orders
