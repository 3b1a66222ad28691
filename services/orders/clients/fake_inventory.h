#pragma once

#include <string>
#include <vector>

#include "clients/fake_script.h"
#include "clients/inventory_port.h"

namespace livedrop::orders {

// livedrop-inventory for tests: each method answers from its script (by default: held,
// confirmed, released) at once, on the calling thread, and every call is recorded as
// "<Method> <order id>". Not thread-safe: drive one order at a time, or from one thread.
class FakeInventory final : public InventoryPort {
 public:
  FakeScript<ReserveResult> reserve{ReserveResult{}};
  FakeScript<std::optional<HoldGone>> confirm{std::nullopt};
  FakeScript<std::optional<HoldGone>> release{std::nullopt};

  void Reserve(const ReserveRequest& request, Then<ReserveResult> then) override;
  void Confirm(const std::string& order_id, const std::string& drop_id,
               Then<std::optional<HoldGone>> then) override;
  void Release(const std::string& order_id, const std::string& drop_id,
               Then<std::optional<HoldGone>> then) override;

  const std::vector<std::string>& calls() const { return calls_; }
  const std::vector<ReserveRequest>& reserved() const { return reserved_; }
  // How many calls of `method` ("Reserve", "Confirm", "Release") were made.
  int Count(const std::string& method) const { return CountCalls(calls_, method); }

  static ReserveResult Refused(ReserveRefusal refusal) { return ReserveResult{refusal, {}, ""}; }
  static ReserveResult Holding(ReservationState state) {
    return ReserveResult{std::nullopt, state, ""};
  }

 private:
  std::vector<std::string> calls_;
  std::vector<ReserveRequest> reserved_;
};

}  // namespace livedrop::orders
