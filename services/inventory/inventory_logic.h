#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/core/time.h"

// Stock rules with no I/O: the rows every layer speaks, the checks of one request, and the
// decision of a whole batch of stock changes (DecideBatch).
namespace livedrop::inventory {

struct StockRow {
  std::string drop_id;
  int total = 0, available = 0, reserved = 0, sold = 0;
  int per_buyer_limit = 0;
  int low_stock_threshold = 0;
  bool low_stock_sent = false;
  std::int64_t version = 1;  // bumped by every change (orders cached views)
  // The drop was cancelled: no new reservations; held ones may still be confirmed or released.
  bool frozen = false;
};

enum class ReservationState { kHeld, kConfirmed, kReleased, kExpired };
const char* StateName(ReservationState state);

struct ReservationRow {
  std::string order_id, drop_id, buyer_id;
  int quantity = 0;
  ReservationState state = ReservationState::kHeld;
  TimePoint expires_at;
};

// What the invariant metrics read: one consistent snapshot of every drop's stock.
struct StockTotals {
  long long available = 0, reserved = 0, sold = 0;
  // Drops whose row breaks available + reserved + sold = total or available >= 0.
  long long invariant_violations = 0;
  // Drops whose reserved / sold differ from the sum of their held / confirmed reservations.
  long long reservation_mismatches = 0;
};

// One change to a drop's stock, as queued for a batch (StockBatcher) and decided with the
// others of its batch (DecideBatch).
struct StockRequest {
  enum class Kind { kReserve, kConfirm, kRelease, kExpire };
  Kind kind = Kind::kReserve;
  std::string order_id;
  std::string buyer_id;  // kReserve only
  int quantity = 0;      // kReserve only
};

// What one request came to, decided on its own even when it shared a transaction.
struct StockOutcome {
  std::optional<ReservationRow> reservation;  // the reservation after the request
  std::optional<Error> error;                 // the request was refused (nothing changed)
  bool changed = false;                       // the request moved stock
};

// The events a stock change causes (inventory_events has one emit function for each).
enum class StockEvent { kSoldOut, kLowStock, kRestocked };

// 10% of the drop, at least 1: low_stock fires when available first falls below it.
int DefaultLowStockThreshold(int total, int percent = 10);

// Throws drop_not_live (the stock is frozen: the drop was cancelled) / sold_out /
// limit_exceeded / validation_failed (livedrop::Error) when the reservation may not happen.
void CheckReserve(const StockRow& stock, int already_held_by_buyer, int quantity);

// A Reserve retried with the order id of an existing reservation must ask for the same thing;
// otherwise throws reservation_mismatch (the order id names another reservation).
void CheckSameReservation(const ReservationRow& existing, const std::string& drop_id,
                          const std::string& buyer_id, int quantity);

// Applied to the net change of a whole batch, so a unit taken and returned within one
// transaction says nothing, and a batch that goes from above the low-stock line straight to 0
// says only sold_out. A frozen drop is never restocked: units a release returns to a cancelled
// drop are not for sale.
std::vector<StockEvent> EventsFor(const StockRow& before, const StockRow& after);

Error ReservationNotFound();
Error ReservationNotHeld(ReservationState state);  // reservation_not_held
Error ReservationConfirmed();                      // a confirmed one cannot be released
// Released and expired reservations gave their stock back for good.
bool IsReturned(ReservationState state);

// Confirmed, released and expired are final, so Confirm and Release of a reservation in one of
// those states are answered from a lone read, without the batch or a lock: the reservation as
// it is (a replay) or the refusal. nullopt for a held reservation (decided in its drop's batch,
// under the stock row lock) and for the other kinds.
std::optional<StockOutcome> DecideFromFinalState(StockRequest::Kind kind,
                                                 const ReservationRow& reservation);

// What the load step of a batch reads, besides the stock row: the reservations the batch
// names (sorted, once each) ...
std::vector<std::string> OrderIdsOf(const std::vector<StockRequest>& requests);
// ... and the units held or bought by the buyers of the batch's new reservations (a replay of
// an existing reservation counts nobody's units), sorted, once each.
std::vector<std::string> BuyersToCount(const std::vector<StockRequest>& requests,
                                       const std::vector<ReservationRow>& existing);

// The outcome of a batch and the writes that make it true.
struct BatchDecision {
  std::vector<StockOutcome> outcomes;  // one per request, in the batch's order
  // New reservations (in their state at the end of the batch) and the states of changed
  // existing ones, each in order id order.
  std::vector<ReservationRow> inserts;
  std::vector<std::pair<std::string, ReservationState>> state_changes;
  // The net change of the stock row: units moved between its columns.
  int d_available = 0, d_reserved = 0, d_sold = 0;
  bool low_stock_sent = false;     // the row records that low_stock is said now
  std::vector<StockEvent> events;  // of the net change, to emit with the updated row

  bool StockChanged() const { return d_available != 0 || d_reserved != 0 || d_sold != 0; }
};

// Decides a batch of one drop's stock changes, each request on its own in arrival order with
// what the earlier ones of the batch did: drop_not_live (frozen stock), sold_out,
// limit_exceeded (the buyer's held and bought units plus what the batch gave them),
// reservation_mismatch, idempotent replays (answered even when frozen), reservation_not_held,
// reservation_confirmed, not_found, and expiry of holds due at `now`.
// `stock` is the drop's row (absent: every request is not_found), `existing` the batch's
// reservations as stored (OrderIdsOf), `held_or_bought` the units per buyer (BuyersToCount;
// absent buyers hold none). New holds expire at now + hold.
BatchDecision DecideBatch(const std::optional<StockRow>& stock,
                          const std::vector<ReservationRow>& existing,
                          const std::map<std::string, int>& held_or_bought,
                          const std::vector<StockRequest>& requests, TimePoint now,
                          std::chrono::microseconds hold);

}  // namespace livedrop::inventory
