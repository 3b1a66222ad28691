#pragma once

#include <chrono>
#include <memory>

#include "clients/drops_port.h"

namespace grpc {
class Channel;
}

namespace livedrop::orders {

// DropsPort over livedrop.drops.v1.DropsService.
class DropsGrpcClient final : public DropsPort {
 public:
  DropsGrpcClient(std::shared_ptr<::grpc::Channel> channel, std::chrono::milliseconds timeout);
  ~DropsGrpcClient() override;

  DropTerms GetDrop(const std::string& drop_id) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::chrono::milliseconds timeout_;
};

}  // namespace livedrop::orders
