#include "clients/fake_inventory.h"

namespace livedrop::orders {

ReserveResult FakeInventory::Reserve(const ReserveRequest& request) {
  calls_.push_back("Reserve " + request.order_id);
  reserved_.push_back(request);
  return reserve.Next();
}

std::optional<HoldGone> FakeInventory::Confirm(const std::string& order_id) {
  calls_.push_back("Confirm " + order_id);
  return confirm.Next();
}

std::optional<HoldGone> FakeInventory::Release(const std::string& order_id) {
  calls_.push_back("Release " + order_id);
  return release.Next();
}

}  // namespace livedrop::orders
