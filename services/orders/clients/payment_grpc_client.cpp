#include "clients/payment_grpc_client.h"

#include "livedrop/grpc/client.h"
#include "livedrop/grpc/reason.h"
#include "livedrop/grpc/status.h"
#include "livedrop/payment/v1/payment.grpc.pb.h"

namespace livedrop::orders {
namespace {

DeclineReason AsDecline(payment::v1::PaymentFailure failure) {
  switch (failure) {
    case payment::v1::PAYMENT_FAILURE_CARD_DECLINED:
      return DeclineReason::kCardDeclined;
    case payment::v1::PAYMENT_FAILURE_INSUFFICIENT_FUNDS:
      return DeclineReason::kInsufficientFunds;
    case payment::v1::PAYMENT_FAILURE_PROVIDER_TIMEOUT:
      return DeclineReason::kProviderTimeout;
    case payment::v1::PAYMENT_FAILURE_INVALID_PAYMENT_TOKEN:
      return DeclineReason::kInvalidPaymentToken;
    default:
      return DeclineReason::kOther;
  }
}

Payment FromProto(const payment::v1::Payment& p) {
  Payment out;
  out.order_id = p.order_id();
  switch (p.state()) {
    case payment::v1::PAYMENT_STATE_SUCCEEDED:
      out.state = PaymentState::kSucceeded;
      break;
    case payment::v1::PAYMENT_STATE_FAILED:
      out.state = PaymentState::kFailed;
      out.decline = AsDecline(rpc::ParseEnumCode<payment::v1::PaymentFailure>(p.failure_code()));
      break;
    case payment::v1::PAYMENT_STATE_REFUNDED:
      out.state = PaymentState::kRefunded;
      break;
    default:  // pending, or a state this build does not know: not settled as far as we know
      out.state = PaymentState::kPending;
      break;
  }
  return out;
}

Reply<Payment> PaymentReply(const ::grpc::Status& status, const payment::v1::Payment& payment) {
  if (!status.ok()) return Reply<Payment>::Failed(std::make_exception_ptr(rpc::FromStatus(status)));
  return Reply<Payment>::Of(FromProto(payment));
}

}  // namespace

struct PaymentGrpcClient::Stub {
  std::unique_ptr<payment::v1::PaymentService::Stub> stub;
};

PaymentGrpcClient::PaymentGrpcClient(std::shared_ptr<::grpc::Channel> channel,
                                     std::chrono::milliseconds timeout)
    : stub_(std::make_unique<Stub>(Stub{payment::v1::PaymentService::NewStub(std::move(channel))})),
      timeout_(timeout) {}

PaymentGrpcClient::~PaymentGrpcClient() = default;

void PaymentGrpcClient::Charge(const ChargeRequest& request, Then<Payment> then) {
  payment::v1::ChargeRequest req;
  req.set_order_id(request.order_id);
  req.set_buyer_id(request.buyer_id);
  req.set_amount(request.amount);
  req.set_currency(request.currency);
  req.set_payment_token(request.payment_token);
  rpc::CallAsync<payment::v1::ChargeRequest, payment::v1::ChargeResponse>(
      timeout_, std::move(req),
      [this](auto* ctx, auto* req, auto* resp, auto done) {
        stub_->stub->async()->Charge(ctx, req, resp, std::move(done));
      },
      [then = std::move(then)](const ::grpc::Status& status, payment::v1::ChargeResponse& resp) {
        then(PaymentReply(status, resp.payment()));
      });
}

void PaymentGrpcClient::Refund(const std::string& order_id, Then<Payment> then) {
  payment::v1::RefundRequest req;
  req.set_order_id(order_id);
  rpc::CallAsync<payment::v1::RefundRequest, payment::v1::RefundResponse>(
      timeout_, std::move(req),
      [this](auto* ctx, auto* req, auto* resp, auto done) {
        stub_->stub->async()->Refund(ctx, req, resp, std::move(done));
      },
      [then = std::move(then)](const ::grpc::Status& status, payment::v1::RefundResponse& resp) {
        then(PaymentReply(status, resp.payment()));
      });
}

}  // namespace livedrop::orders
