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

  void Charge(const ChargeRequest& request, Then<Payment> then) override;
  void Refund(const std::string& order_id, Then<Payment> then) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::orders
