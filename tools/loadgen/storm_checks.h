#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "report.h"
#include "run_plan.h"

namespace livedrop::loadgen {

// What the load generator saw, to hold the database to.
struct StormFacts {
  std::string drop_id;
  long long units = 0;
  long long per_buyer_limit = 0;
  bool demand_exceeds_supply = false;
  long long attempts = 0;                     // distinct idempotency keys sent
  std::set<std::string> confirmed_order_ids;  // from 201 answers
  std::vector<std::string> buyer_ids;
  std::optional<double> captures_before;  // the payment captures counter before the storm
  // Read once every order has settled; empty when the counter is not watched.
  std::function<std::optional<double>()> read_captures_after;
};

// Figures read from the database, for the report.
struct DropLedger {
  long long total = -1, available = -1, reserved = -1, sold = -1;
  long long orders = 0, confirmed_orders = 0, confirmed_units = 0, pending = 0, failed = 0;
  long long succeeded_payments = 0;
  long long held_units = 0;
  double settle_seconds = 0;  // how long until no order was pending
};

// Waits up to `grace` for every order of the drop to end (no `pending`, no `held`
// reservation), then checks the invariants: no overselling, exactly `units` sold when demand
// exceeded supply, no duplicate or orphan charge, nobody over the per-buyer limit, every 201
// a confirmed order. A query that fails (a schema not there yet) fails its checks, naming
// why; the remaining checks still run.
std::vector<Check> VerifyDrop(const std::string& pg_url, const StormFacts& facts,
                              std::chrono::milliseconds grace, DropLedger& ledger);

// The payment provider's captures counter, which the audit holds to the drop's succeeded
// payments.
inline constexpr const char* kCapturesMetric = "livedrop_payment_provider_captures_total";
// Its value at `metrics` (0 when reachable but not exported yet: nothing captured); nullopt
// when not watched (no endpoint) or unreachable.
std::optional<double> ScrapeCaptures(const std::optional<HttpEndpoint>& metrics);

// Stock row of the drop: nullopt while inventory has not created it; throws on other errors.
struct StockRow {
  long long total = 0, available = 0, reserved = 0, sold = 0;
};
std::optional<StockRow> ReadStock(const std::string& pg_url, const std::string& drop_id);

}  // namespace livedrop::loadgen
