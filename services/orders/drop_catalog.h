#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "livedrop/drops/v1/drops.grpc.pb.h"
#include "orders_logic.h"

namespace livedrop::orders {

// The terms of sale of each drop (price, window, per-buyer limit, status), asked of
// livedrop-drops and remembered briefly: price and window never change, and a cancellation
// is seen within `ttl`. Also remembers for `sold_out_memory` that a drop sold out, so
// further attempts are refused without touching any database.
class DropCatalog {
 public:
  DropCatalog(std::shared_ptr<::grpc::Channel> drops_channel, std::chrono::milliseconds ttl,
              std::chrono::milliseconds sold_out_memory);

  // Throws not_found for an unknown drop, unavailable when drops cannot be reached.
  DropTerms Get(const std::string& drop_id);

  void RememberSoldOut(const std::string& drop_id);
  void ForgetSoldOut(const std::string& drop_id);
  bool KnownSoldOut(const std::string& drop_id);

 private:
  struct Entry {
    DropTerms terms;
    std::chrono::steady_clock::time_point fetched;
  };
  DropTerms Fetch(const std::string& drop_id);

  std::unique_ptr<drops::v1::DropsService::Stub> stub_;
  std::chrono::milliseconds ttl_, sold_out_memory_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> sold_out_until_;
};

}  // namespace livedrop::orders
