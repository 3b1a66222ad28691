#include "fake_orders_repository.h"

#include "livedrop/core/ids.h"

namespace livedrop::orders {

OrderRow FakeOrdersRepository::Insert(OrderRow order) {
  if (order.id.empty()) order.id = NewUuid();
  auto& s = orders_[order.id];
  s = Stored{order, false, {order.stage}};
  return order;
}

OrderRow FakeOrdersRepository::Get(const std::string& id) const { return orders_.at(id).row; }

void FakeOrdersRepository::Lapse(const std::string& id) { At(id).lapsed = true; }

std::vector<Stage> FakeOrdersRepository::Stages(const std::string& id) const {
  return orders_.at(id).stages;
}

FakeOrdersRepository::Stored& FakeOrdersRepository::At(const std::string& id) {
  const auto it = orders_.find(id);
  if (it == orders_.end()) throw NotFoundError("order");
  return it->second;
}

void FakeOrdersRepository::Store(Stored& s, Stage stage) {
  s.row.stage = stage;
  s.lapsed = false;
  s.stages.push_back(stage);
}

std::optional<OrderRow> FakeOrdersRepository::Advance(const OrderRow& order, Stage to,
                                                      OrderStatus status,
                                                      const std::string& failure_code) {
  auto& s = At(order.id);
  if (race_) {
    auto race = std::move(race_);
    race_ = nullptr;
    const Stage before = s.row.stage;
    race(s.row);
    if (s.row.stage != before) s.stages.push_back(s.row.stage);
  }
  if (s.row.stage != order.stage) {
    ++lost_advances_;
    return std::nullopt;
  }
  s.row.status = status;
  if (!failure_code.empty()) s.row.failure_code = failure_code;
  if (s.row.stage == Stage::kRefunding) s.row.refunded = true;
  Store(s, to);
  if (to == Stage::kDone) {
    const char* type = status == OrderStatus::kConfirmed   ? "order_confirmed"
                       : status != OrderStatus::kCancelled ? "order_failed"
                       : s.row.refunded                    ? "order_refunded"
                                                           : "order_cancelled";
    events_.push_back(Event{type, s.row.id, s.row.failure_code});
  }
  return s.row;
}

std::optional<OrderRow> FakeOrdersRepository::Find(const std::string& id) {
  const auto it = orders_.find(id);
  if (it == orders_.end()) return std::nullopt;
  return it->second.row;
}

std::optional<OrderRow> FakeOrdersRepository::CancelUnpaid(const std::string& id) {
  auto& s = At(id);
  if (s.row.stage != Stage::kPlaced && s.row.stage != Stage::kReserved) return std::nullopt;
  s.row.failure_code = "cancelled";
  Store(s, Stage::kReleasing);
  return s.row;
}

namespace {

bool Withdrawable(const OrderRow& row) {
  return row.stage == Stage::kPlaced || row.stage == Stage::kReserved ||
         (row.stage == Stage::kDone && row.status == OrderStatus::kConfirmed);
}

}  // namespace

std::vector<OrderRow> FakeOrdersRepository::WithdrawForCancelledDrop(const std::string& drop_id,
                                                                     int limit) {
  std::vector<OrderRow> withdrawn;
  for (auto& [id, s] : orders_) {
    if (static_cast<int>(withdrawn.size()) >= limit) break;
    if (s.row.drop_id != drop_id || !Withdrawable(s.row)) continue;
    const bool paid = s.row.stage == Stage::kDone;
    s.row.status = OrderStatus::kPending;
    s.row.failure_code = kDropCancelled;
    Store(s, paid ? Stage::kRefunding : Stage::kReleasing);
    withdrawn.push_back(s.row);
  }
  return withdrawn;
}

int FakeOrdersRepository::CountLeftToWithdraw(const std::string& drop_id) {
  int n = 0;
  for (const auto& [id, s] : orders_) {
    n += s.row.drop_id == drop_id &&
         (Withdrawable(s.row) || s.row.stage == Stage::kCharging || s.row.stage == Stage::kCharged);
  }
  return n;
}

std::vector<OrderRow> FakeOrdersRepository::ClaimLapsed(int limit) {
  std::vector<OrderRow> claimed;
  for (auto& [id, s] : orders_) {
    if (static_cast<int>(claimed.size()) >= limit) break;
    if (s.row.stage == Stage::kDone || !s.lapsed) continue;
    s.lapsed = false;
    claimed.push_back(s.row);
  }
  return claimed;
}

}  // namespace livedrop::orders
