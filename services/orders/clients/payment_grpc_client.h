#pragma once

#include <chrono>
#include <memory>

#include "clients/payment_port.h"

namespace grpc {
class Channel;
}

namespace livedrop::orders {

// PaymentPort over livedrop.payment.v1.PaymentService: the one place that reads payment's
// states and failure codes.
class PaymentGrpcClient final : public PaymentPort {
 public:
  PaymentGrpcClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);
  ~PaymentGrpcClient() override;

  Payment Charge(const ChargeRequest& request) override;
  Payment Refund(const std::string& order_id) override;
  std::optional<Payment> GetPayment(const std::string& order_id) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::orders
