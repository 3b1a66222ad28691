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

// GetTermsOfSale, not GetDrop: the price charged comes from drops' PostgreSQL, not its read
// cache.
DropTerms DropsGrpcClient::GetDrop(const std::string& drop_id) {
  drops::v1::GetTermsOfSaleRequest req;
  req.set_drop_id(drop_id);
  drops::v1::GetTermsOfSaleResponse resp;
  auto ctx = rpc::NewClientContext(timeout_);
  const auto status = stub_->stub->GetTermsOfSale(ctx.get(), req, &resp);
  if (status.error_code() == ::grpc::StatusCode::NOT_FOUND) throw NotFoundError("drop");
  if (!status.ok()) throw rpc::FromStatus(status);
  const auto& t = resp.terms();
  return DropTerms{t.drop_id(),
                   FromProto(t.status()),
                   rpc::FromTimestamp(t.starts_at()),
                   rpc::FromTimestamp(t.ends_at()),
                   t.per_buyer_limit(),
                   t.price().unit_amount(),
                   t.price().currency()};
}

}  // namespace livedrop::orders
