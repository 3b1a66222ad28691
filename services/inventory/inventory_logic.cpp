#include "inventory_logic.h"

#include <algorithm>
#include <set>

#include "livedrop/grpc/reason.h"

namespace livedrop::inventory {
namespace {

// A reservation as the batch sees it: loaded from the database or inserted by the batch.
struct Known {
  ReservationRow row;
  bool inserted = false;
  bool changed = false;
};

}  // namespace

const char* StateName(ReservationState state) {
  switch (state) {
    case ReservationState::kHeld:
      return "held";
    case ReservationState::kConfirmed:
      return "confirmed";
    case ReservationState::kReleased:
      return "released";
    case ReservationState::kExpired:
      return "expired";
  }
  return "held";
}

int DefaultLowStockThreshold(int total, int percent) {
  // In 64 bits: a drop of a billion units times the percent would overflow an int.
  return static_cast<int>(std::max<long long>(1, static_cast<long long>(total) * percent / 100));
}

void CheckReserve(const StockRow& stock, int already_held_by_buyer, int quantity) {
  if (quantity < 1) throw ValidationError("quantity", "quantity must be positive");
  if (stock.frozen) {
    throw rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_DROP_NOT_LIVE,
                           "the drop was cancelled");
  }
  // Subtracted, not added: a quantity near INT_MAX must not overflow past the limit.
  if (quantity > stock.per_buyer_limit - already_held_by_buyer) {
    throw rpc::ReasonError(
        ErrorKind::kFailedPrecondition, common::v1::REASON_LIMIT_EXCEEDED,
        "at most " + std::to_string(stock.per_buyer_limit) + " per buyer for this drop",
        {{"per_buyer_limit", std::to_string(stock.per_buyer_limit)}});
  }
  if (stock.available < quantity) {
    throw rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_SOLD_OUT,
                           stock.available == 0
                               ? "the drop is sold out"
                               : "only " + std::to_string(stock.available) + " left",
                           {{"available", std::to_string(stock.available)}});
  }
}

void CheckSameReservation(const ReservationRow& existing, const std::string& drop_id,
                          const std::string& buyer_id, int quantity) {
  std::string field;
  if (existing.drop_id != drop_id) {
    field = "drop_id";
  } else if (existing.buyer_id != buyer_id) {
    field = "buyer_id";
  } else if (existing.quantity != quantity) {
    field = "quantity";
  } else {
    return;
  }
  throw Error(ErrorKind::kFailedPrecondition, "reservation_mismatch",
              "order " + existing.order_id + " already reserved with another " + field,
              {{"field", field}});
}

std::vector<StockEvent> EventsFor(const StockRow& before, const StockRow& after) {
  std::vector<StockEvent> events;
  if (before.available > 0 && after.available == 0) events.push_back(StockEvent::kSoldOut);
  if (before.available == 0 && after.available > 0 && !after.frozen) {
    events.push_back(StockEvent::kRestocked);
  }
  if (!before.low_stock_sent && after.available > 0 &&
      after.available < after.low_stock_threshold) {
    events.push_back(StockEvent::kLowStock);
  }
  return events;
}

Error ReservationNotFound() { return NotFoundError("reservation"); }

Error ReservationNotHeld(ReservationState state) {
  return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_RESERVATION_NOT_HELD,
                          std::string("the reservation was ") + StateName(state));
}

Error ReservationConfirmed() {
  return rpc::ReasonError(ErrorKind::kFailedPrecondition, common::v1::REASON_RESERVATION_CONFIRMED,
                          "a confirmed reservation cannot be released");
}

bool IsReturned(ReservationState state) {
  return state == ReservationState::kReleased || state == ReservationState::kExpired;
}

std::optional<StockOutcome> DecideFromFinalState(StockRequest::Kind kind,
                                                 const ReservationRow& reservation) {
  const ReservationState state = reservation.state;
  if (state == ReservationState::kHeld) return std::nullopt;
  StockOutcome answer;
  switch (kind) {
    case StockRequest::Kind::kConfirm:
      if (state == ReservationState::kConfirmed) {
        answer.reservation = reservation;
      } else {
        answer.error = ReservationNotHeld(state);
      }
      return answer;
    case StockRequest::Kind::kRelease:
      if (IsReturned(state)) {
        answer.reservation = reservation;
      } else {
        answer.error = ReservationConfirmed();
      }
      return answer;
    case StockRequest::Kind::kReserve:
    case StockRequest::Kind::kExpire:
      break;
  }
  return std::nullopt;
}

std::vector<std::string> OrderIdsOf(const std::vector<StockRequest>& requests) {
  std::set<std::string> ids;
  for (const auto& request : requests) ids.insert(request.order_id);
  return {ids.begin(), ids.end()};
}

std::vector<std::string> BuyersToCount(const std::vector<StockRequest>& requests,
                                       const std::vector<ReservationRow>& existing) {
  std::set<std::string> known;
  for (const auto& row : existing) known.insert(row.order_id);
  std::set<std::string> buyers;
  for (const auto& request : requests) {
    if (request.kind == StockRequest::Kind::kReserve && !known.count(request.order_id)) {
      buyers.insert(request.buyer_id);
    }
  }
  return {buyers.begin(), buyers.end()};
}

BatchDecision DecideBatch(const std::optional<StockRow>& stock,
                          const std::vector<ReservationRow>& existing,
                          const std::map<std::string, int>& held_or_bought,
                          const std::vector<StockRequest>& requests, TimePoint now,
                          std::chrono::microseconds hold) {
  BatchDecision decision;
  auto& out = decision.outcomes;
  out.resize(requests.size());
  if (!stock) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      out[i].error = requests[i].kind == StockRequest::Kind::kReserve ? NotFoundError("stock")
                                                                      : ReservationNotFound();
    }
    return decision;
  }

  std::map<std::string, Known> known;
  for (const auto& row : existing) known.emplace(row.order_id, Known{row});
  // Units per buyer as the batch goes: earlier requests of the batch count for later ones.
  std::map<std::string, int> held = held_or_bought;
  StockRow now_stock = *stock;
  const TimePoint expires_at = now + hold;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const StockRequest& request = requests[i];
    StockOutcome& o = out[i];
    const auto it = known.find(request.order_id);
    if (request.kind == StockRequest::Kind::kReserve) {
      if (it != known.end()) {
        try {
          CheckSameReservation(it->second.row, stock->drop_id, request.buyer_id, request.quantity);
          o.reservation = it->second.row;
        } catch (const Error& e) {
          o.error = e;
        }
        continue;
      }
      int& buyer_units = held[request.buyer_id];
      try {
        CheckReserve(now_stock, buyer_units, request.quantity);
      } catch (const Error& e) {
        o.error = e;
        continue;
      }
      now_stock.available -= request.quantity;
      now_stock.reserved += request.quantity;
      buyer_units += request.quantity;
      ReservationRow row{request.order_id, stock->drop_id,          request.buyer_id,
                         request.quantity, ReservationState::kHeld, expires_at};
      known.emplace(request.order_id, Known{row, /*inserted=*/true});
      o.reservation = std::move(row);
      o.changed = true;
      continue;
    }
    // A Confirm or Release told another drop than the reservation's (or of a drop without
    // stock, above) finds nothing here: this batch must not move another drop's units.
    if (it == known.end() || it->second.row.drop_id != stock->drop_id) {
      o.error = ReservationNotFound();
      continue;
    }
    ReservationRow& r = it->second.row;
    const auto Move = [&](ReservationState to) {
      r.state = to;
      it->second.changed = true;
      o.changed = true;
    };
    switch (request.kind) {
      case StockRequest::Kind::kConfirm:
        if (r.state == ReservationState::kHeld) {
          now_stock.reserved -= r.quantity;
          now_stock.sold += r.quantity;
          Move(ReservationState::kConfirmed);
        } else if (r.state != ReservationState::kConfirmed) {
          o.error = ReservationNotHeld(r.state);
        }
        break;
      case StockRequest::Kind::kRelease:
      case StockRequest::Kind::kExpire:
        if (r.state == ReservationState::kConfirmed) {
          if (request.kind == StockRequest::Kind::kRelease) o.error = ReservationConfirmed();
        } else if (r.state == ReservationState::kHeld &&
                   (request.kind == StockRequest::Kind::kRelease || r.expires_at <= now)) {
          now_stock.available += r.quantity;
          now_stock.reserved -= r.quantity;
          if (const auto h = held.find(r.buyer_id); h != held.end()) h->second -= r.quantity;
          Move(request.kind == StockRequest::Kind::kRelease ? ReservationState::kReleased
                                                            : ReservationState::kExpired);
        }
        break;
      case StockRequest::Kind::kReserve:
        break;
    }
    if (!o.error) o.reservation = r;
  }

  for (const auto& [order_id, k] : known) {
    if (k.inserted) {
      decision.inserts.push_back(k.row);
    } else if (k.changed) {
      decision.state_changes.emplace_back(order_id, k.row.state);
    }
  }
  decision.d_available = now_stock.available - stock->available;
  decision.d_reserved = now_stock.reserved - stock->reserved;
  decision.d_sold = now_stock.sold - stock->sold;
  if (decision.StockChanged()) {
    // Events follow the batch's net change: a unit reserved and released within one batch
    // never sold the drop out.
    decision.events = EventsFor(*stock, now_stock);
    decision.low_stock_sent = std::find(decision.events.begin(), decision.events.end(),
                                        StockEvent::kLowStock) != decision.events.end();
  }
  return decision;
}

}  // namespace livedrop::inventory
