#include "payment_grpc.h"

#include "livedrop/grpc/call.h"
#include "payment_app.h"
#include "payment_proto.h"

namespace livedrop::payment {

::grpc::Status PaymentGrpc::Charge(::grpc::ServerContext* ctx, const v1::ChargeRequest* req,
                                   v1::ChargeResponse* resp) {
  return rpc::Serve(ctx, "Charge", [&] {
    ToProto(app_.Charge(ChargeInput{req->order_id(), req->buyer_id(), req->amount(),
                                    req->currency(), req->payment_token()}),
            *resp->mutable_payment());
  });
}

::grpc::Status PaymentGrpc::Refund(::grpc::ServerContext* ctx, const v1::RefundRequest* req,
                                   v1::RefundResponse* resp) {
  return rpc::Serve(ctx, "Refund",
                    [&] { ToProto(app_.Refund(req->order_id()), *resp->mutable_payment()); });
}

::grpc::Status PaymentGrpc::GetPayment(::grpc::ServerContext* ctx, const v1::GetPaymentRequest* req,
                                       v1::GetPaymentResponse* resp) {
  return rpc::Serve(ctx, "GetPayment",
                    [&] { ToProto(app_.GetPayment(req->order_id()), *resp->mutable_payment()); });
}

}  // namespace livedrop::payment
