#include "clients/fake_inventory.h"

namespace livedrop::orders {

void FakeInventory::Reserve(const ReserveRequest& request, Then<ReserveResult> then) {
  calls_.push_back("Reserve " + request.order_id);
  reserved_.push_back(request);
  then(Reply<ReserveResult>::From([&] { return reserve.Next(); }));
}

void FakeInventory::Confirm(const std::string& order_id, const std::string&,
                            Then<std::optional<HoldGone>> then) {
  calls_.push_back("Confirm " + order_id);
  then(Reply<std::optional<HoldGone>>::From([&] { return confirm.Next(); }));
}

void FakeInventory::Release(const std::string& order_id, const std::string&,
                            Then<std::optional<HoldGone>> then) {
  calls_.push_back("Release " + order_id);
  then(Reply<std::optional<HoldGone>>::From([&] { return release.Next(); }));
}

}  // namespace livedrop::orders
