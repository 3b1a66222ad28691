#pragma once

#include "livedrop/payment/v1/payment.grpc.pb.h"

namespace livedrop::payment {

class PaymentApp;

// gRPC handlers of livedrop.payment.v1.PaymentService (called by orders): proto ↔ domain
// around a call on the app, nothing else. Charge and Refund are callback methods: they hold no
// thread while the processor answers (the app answers from its executor); GetPayment runs on
// the sync handler pool.
class PaymentGrpc final
    : public v1::PaymentService::WithCallbackMethod_Charge<
          v1::PaymentService::WithCallbackMethod_Refund<v1::PaymentService::Service>> {
 public:
  explicit PaymentGrpc(PaymentApp& app) : app_(app) {}

  ::grpc::ServerUnaryReactor* Charge(::grpc::CallbackServerContext* ctx,
                                     const v1::ChargeRequest* req,
                                     v1::ChargeResponse* resp) override;
  ::grpc::ServerUnaryReactor* Refund(::grpc::CallbackServerContext* ctx,
                                     const v1::RefundRequest* req,
                                     v1::RefundResponse* resp) override;
  ::grpc::Status GetPayment(::grpc::ServerContext* ctx, const v1::GetPaymentRequest* req,
                            v1::GetPaymentResponse* resp) override;

 private:
  PaymentApp& app_;
};

}  // namespace livedrop::payment
