#pragma once

#include "livedrop/payment/v1/payment.grpc.pb.h"
#include "payments.h"

namespace livedrop::payment {

// gRPC handlers of livedrop.payment.v1.PaymentService (called by orders).
class PaymentServiceImpl final : public v1::PaymentService::Service {
 public:
  explicit PaymentServiceImpl(Payments& payments) : payments_(payments) {}

  ::grpc::Status Charge(::grpc::ServerContext* ctx, const v1::ChargeRequest* req,
                        v1::ChargeResponse* resp) override;
  ::grpc::Status Refund(::grpc::ServerContext* ctx, const v1::RefundRequest* req,
                        v1::RefundResponse* resp) override;
  ::grpc::Status GetPayment(::grpc::ServerContext* ctx, const v1::GetPaymentRequest* req,
                            v1::GetPaymentResponse* resp) override;

 private:
  Payments& payments_;
};

}  // namespace livedrop::payment
