#include "payment_grpc.h"

#include "livedrop/core/reply.h"
#include "livedrop/grpc/call.h"
#include "payment_app.h"
#include "payment_proto.h"

namespace livedrop::payment {
namespace {

// Where the app's answer goes: the payment into the response.
Then<PaymentRow> Answer(v1::Payment* payment, rpc::Finish finish) {
  return rpc::Respond<PaymentRow>(std::move(finish),
                                  [payment](const PaymentRow& row) { ToProto(row, *payment); });
}

}  // namespace

::grpc::ServerUnaryReactor* PaymentGrpc::Charge(::grpc::CallbackServerContext* ctx,
                                                const v1::ChargeRequest* req,
                                                v1::ChargeResponse* resp) {
  return rpc::ServeAsync(ctx, "Charge", [&](rpc::Finish finish) {
    app_.Charge(ChargeInput{req->order_id(), req->buyer_id(), req->amount(), req->currency(),
                            req->payment_token()},
                Answer(resp->mutable_payment(), std::move(finish)));
  });
}

::grpc::ServerUnaryReactor* PaymentGrpc::Refund(::grpc::CallbackServerContext* ctx,
                                                const v1::RefundRequest* req,
                                                v1::RefundResponse* resp) {
  return rpc::ServeAsync(ctx, "Refund", [&](rpc::Finish finish) {
    app_.Refund(req->order_id(), Answer(resp->mutable_payment(), std::move(finish)));
  });
}

::grpc::Status PaymentGrpc::GetPayment(::grpc::ServerContext* ctx, const v1::GetPaymentRequest* req,
                                       v1::GetPaymentResponse* resp) {
  return rpc::Serve(ctx, "GetPayment",
                    [&] { ToProto(app_.GetPayment(req->order_id()), *resp->mutable_payment()); });
}

}  // namespace livedrop::payment
