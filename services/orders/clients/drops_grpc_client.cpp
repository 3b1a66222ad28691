#include "clients/drops_grpc_client.h"

#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/grpc/status.h"

namespace livedrop::orders {
namespace {

DropStatus FromProto(drops::v1::DropStatus status) {
  switch (status) {
    case drops::v1::DROP_STATUS_SCHEDULED:
      return DropStatus::kScheduled;
    case drops::v1::DROP_STATUS_LIVE:
      return DropStatus::kLive;
    case drops::v1::DROP_STATUS_SOLD_OUT:
      return DropStatus::kSoldOut;
    case drops::v1::DROP_STATUS_ENDED:
      return DropStatus::kEnded;
    case drops::v1::DROP_STATUS_CANCELLED:
      return DropStatus::kCancelled;
    default:
      return DropStatus::kUnknown;
  }
}

}  // namespace

struct DropsGrpcClient::Stub {
  std::unique_ptr<drops::v1::DropsService::Stub> stub;
};

DropsGrpcClient::DropsGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                                 std::chrono::milliseconds timeout)
    : stub_(std::make_unique<Stub>(Stub{drops::v1::DropsService::NewStub(std::move(channel))})),
      timeout_(timeout) {}

DropsGrpcClient::~DropsGrpcClient() = default;

DropTerms DropsGrpcClient::GetDrop(const std::string& drop_id) {
  drops::v1::GetDropRequest req;
  req.set_id(drop_id);
  drops::v1::GetDropResponse resp;
  auto ctx = rpc::NewClientContext(timeout_);
  const auto status = stub_->stub->GetDrop(ctx.get(), req, &resp);
  if (status.error_code() == ::grpc::StatusCode::NOT_FOUND) throw NotFoundError("drop");
  if (!status.ok()) throw rpc::FromStatus(status);
  const auto& d = resp.drop();
  return DropTerms{d.id(),
                   FromProto(d.status()),
                   rpc::FromTimestamp(d.starts_at()),
                   rpc::FromTimestamp(d.ends_at()),
                   d.per_buyer_limit(),
                   d.product().price().unit_amount(),
                   d.product().price().currency()};
}

}  // namespace livedrop::orders
