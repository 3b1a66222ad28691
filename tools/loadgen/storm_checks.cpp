#include "storm_checks.h"

#include <functional>
#include <pqxx/pqxx>
#include <thread>

#include "gateway_api.h"

namespace livedrop::loadgen {

namespace {

using SteadyClock = std::chrono::steady_clock;

// SQL kept together, beside the checks that run it. The load generator reads three services'
// schemas: it is the auditor, not a service.
constexpr const char* kStock =
    "SELECT total, available, reserved, sold FROM inventory.stock WHERE drop_id = $1::uuid";
constexpr const char* kUnsettled =
    "SELECT (SELECT count(*) FROM orders.orders WHERE drop_id = $1::uuid AND status = 'pending'),"
    "       (SELECT count(*) FROM inventory.reservations"
    "         WHERE drop_id = $1::uuid AND state = 'held')";
constexpr const char* kReservations =
    "SELECT coalesce(sum(quantity) FILTER (WHERE state = 'confirmed'), 0),"
    "       coalesce(sum(quantity) FILTER (WHERE state = 'held'), 0)"
    "  FROM inventory.reservations WHERE drop_id = $1::uuid";
constexpr const char* kReservationsOverLimit =
    "SELECT count(*) FROM (SELECT buyer_id FROM inventory.reservations"
    "  WHERE drop_id = $1::uuid AND state IN ('held', 'confirmed')"
    "  GROUP BY buyer_id HAVING sum(quantity) > $2) over";
constexpr const char* kOrders =
    "SELECT count(*), count(*) FILTER (WHERE status = 'confirmed'),"
    "       coalesce(sum(quantity) FILTER (WHERE status = 'confirmed'), 0),"
    "       count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed')"
    "  FROM orders.orders WHERE drop_id = $1::uuid";
constexpr const char* kOrdersOverLimit =
    "SELECT count(*) FROM (SELECT buyer_id FROM orders.orders"
    "  WHERE drop_id = $1::uuid AND status = 'confirmed'"
    "  GROUP BY buyer_id HAVING sum(quantity) > $2) over";
constexpr const char* kConfirmedIds =
    "SELECT id::text FROM orders.orders WHERE drop_id = $1::uuid AND status = 'confirmed'";
constexpr const char* kPayments =
    "SELECT count(*) FILTER (WHERE p.state = 'succeeded'),"
    "       count(*) FILTER (WHERE p.state = 'succeeded' AND o.status <> 'confirmed')"
    "  FROM payment.payments p JOIN orders.orders o ON o.id = p.order_id"
    " WHERE o.drop_id = $1::uuid";
constexpr const char* kPaymentsPerOrder =
    "SELECT count(*) FROM (SELECT p.order_id FROM payment.payments p"
    "  JOIN orders.orders o ON o.id = p.order_id"
    "  WHERE o.drop_id = $1::uuid AND p.state = 'succeeded'"
    "  GROUP BY p.order_id HAVING count(*) > 1) twice";
constexpr const char* kConfirmedWithoutPayment =
    "SELECT count(*) FROM orders.orders o WHERE o.drop_id = $1::uuid AND o.status = 'confirmed'"
    "   AND NOT EXISTS (SELECT 1 FROM payment.payments p"
    "                    WHERE p.order_id = o.id AND p.state = 'succeeded')";
constexpr const char* kOrphanCharges =
    "SELECT count(*) FROM payment.payments p"
    " WHERE p.buyer_id = ANY($1::uuid[]) AND p.state = 'succeeded'"
    "   AND NOT EXISTS (SELECT 1 FROM orders.orders o WHERE o.id = p.order_id)";

std::string N(long long v) { return std::to_string(v); }

class Checker {
 public:
  explicit Checker(std::vector<Check>& out) : out_(out) {}
  void Add(std::string name, bool ok, std::string detail) {
    out_.push_back({std::move(name), ok, std::move(detail)});
  }
  // Runs a group of checks; if its queries fail, every check of the group fails with the reason.
  void Group(const std::vector<std::string>& names, const std::function<void()>& body) {
    const auto before = out_.size();
    try {
      body();
    } catch (const std::exception& e) {
      out_.resize(before);
      for (const auto& name : names) Add(name, false, std::string("query failed: ") + e.what());
    }
  }

 private:
  std::vector<Check>& out_;
};

std::string PgArray(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (const auto& id : ids) out += (out.size() > 1 ? "," : "") + id;
  return out + "}";
}

}  // namespace

std::optional<StockRow> ReadStock(const std::string& pg_url, const std::string& drop_id) {
  pqxx::connection conn(pg_url);
  pqxx::nontransaction tx(conn);
  const auto r = tx.exec_params(kStock, drop_id);
  if (r.empty()) return std::nullopt;
  return StockRow{r[0][0].as<long long>(), r[0][1].as<long long>(), r[0][2].as<long long>(),
                  r[0][3].as<long long>()};
}

std::vector<Check> VerifyDrop(const std::string& pg_url, const StormFacts& facts,
                              std::chrono::milliseconds grace, DropLedger& ledger) {
  std::vector<Check> checks;
  Checker c(checks);
  std::optional<pqxx::connection> conn;
  try {
    conn.emplace(pg_url);
  } catch (const std::exception& e) {
    c.Add("database reachable", false, e.what());
    return checks;
  }
  const auto one_row = [&](const char* sql, auto&&... args) {
    pqxx::nontransaction tx(*conn);
    return tx.exec_params1(sql, args...);
  };
  const auto& drop = facts.drop_id;

  c.Group({"every order ended (no pending after the grace wait)"}, [&] {
    const auto start = SteadyClock::now();
    long long pending = 0, held = 0;
    for (;;) {
      const auto row = one_row(kUnsettled, drop);
      pending = row[0].as<long long>();
      held = row[1].as<long long>();
      if ((pending == 0 && held == 0) || SteadyClock::now() - start >= grace) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ledger.settle_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    c.Add("every order ended (no pending after the grace wait)", pending == 0,
          N(pending) + " pending, " + N(held) + " reservations still held after " +
              std::to_string(ledger.settle_seconds).substr(0, 4) + " s");
  });

  c.Group({"stock accounted (available + reserved + sold = total, available >= 0)",
           "stock total is the drop's quantity"},
          [&] {
            const auto s = ReadStock(pg_url, drop);
            if (!s) throw std::runtime_error("no inventory.stock row for the drop");
            ledger.total = s->total;
            ledger.available = s->available;
            ledger.reserved = s->reserved;
            ledger.sold = s->sold;
            c.Add("stock accounted (available + reserved + sold = total, available >= 0)",
                  s->available >= 0 && s->available + s->reserved + s->sold == s->total,
                  "total " + N(s->total) + " = available " + N(s->available) + " + reserved " +
                      N(s->reserved) + " + sold " + N(s->sold));
            c.Add("stock total is the drop's quantity", s->total == facts.units,
                  N(s->total) + " vs " + N(facts.units));
          });

  c.Group({"not oversold (confirmed + held reservations <= total)",
           "stock matches reservations (sold = confirmed, reserved = held)",
           "no buyer over the per-buyer limit (reservations)"},
          [&] {
            const auto r = one_row(kReservations, drop);
            const auto confirmed = r[0].as<long long>(), held = r[1].as<long long>();
            ledger.held_units = held;
            c.Add("not oversold (confirmed + held reservations <= total)",
                  confirmed + held <= facts.units,
                  N(confirmed) + " confirmed + " + N(held) + " held of " + N(facts.units));
            c.Add("stock matches reservations (sold = confirmed, reserved = held)",
                  ledger.sold == confirmed && ledger.reserved == held,
                  "sold " + N(ledger.sold) + " / confirmed " + N(confirmed) + ", reserved " +
                      N(ledger.reserved) + " / held " + N(held));
            const auto over =
                one_row(kReservationsOverLimit, drop, facts.per_buyer_limit)[0].as<long long>();
            c.Add("no buyer over the per-buyer limit (reservations)", over == 0,
                  N(over) + " buyers over " + N(facts.per_buyer_limit));
          });

  c.Group(
      {"confirmed units never exceed the quantity", "confirmed units = quantity (demand > supply)",
       "no buyer over the per-buyer limit (orders)", "no more orders than attempts",
       "every 201 is a confirmed order in the database"},
      [&] {
        const auto o = one_row(kOrders, drop);
        ledger.orders = o[0].as<long long>();
        ledger.confirmed_orders = o[1].as<long long>();
        ledger.confirmed_units = o[2].as<long long>();
        ledger.pending = o[3].as<long long>();
        ledger.failed = o[4].as<long long>();
        c.Add("confirmed units never exceed the quantity", ledger.confirmed_units <= facts.units,
              N(ledger.confirmed_units) + " of " + N(facts.units));
        if (facts.demand_exceeds_supply) {
          c.Add("confirmed units = quantity (demand > supply)",
                ledger.confirmed_units == facts.units,
                N(ledger.confirmed_units) + " of " + N(facts.units) +
                    (ledger.held_units > 0 ? ", " + N(ledger.held_units) + " still held" : ""));
        }
        const auto over = one_row(kOrdersOverLimit, drop, facts.per_buyer_limit)[0].as<long long>();
        c.Add("no buyer over the per-buyer limit (orders)", over == 0,
              N(over) + " buyers over " + N(facts.per_buyer_limit));
        c.Add("no more orders than attempts", ledger.orders <= facts.attempts,
              N(ledger.orders) + " orders for " + N(facts.attempts) + " idempotency keys");
        std::set<std::string> confirmed;
        {
          pqxx::nontransaction tx(*conn);
          for (const auto& row : tx.exec_params(kConfirmedIds, drop)) {
            confirmed.insert(row[0].as<std::string>());
          }
        }
        long long missing = 0;
        std::string example;
        for (const auto& id : facts.confirmed_order_ids) {
          if (!confirmed.count(id)) {
            ++missing;
            if (example.empty()) example = ", e.g. " + id;
          }
        }
        c.Add("every 201 is a confirmed order in the database", missing == 0,
              N(static_cast<long long>(facts.confirmed_order_ids.size())) + " answered 201, " +
                  N(missing) + " not confirmed in orders.orders" + example);
      });

  c.Group(
      {"one succeeded payment per confirmed order", "no charge for an order that is not confirmed",
       "no order charged twice", "no charge without an order (this run's buyers)"},
      [&] {
        const auto p = one_row(kPayments, drop);
        ledger.succeeded_payments = p[0].as<long long>();
        const auto unconfirmed = p[1].as<long long>();
        const auto without = one_row(kConfirmedWithoutPayment, drop)[0].as<long long>();
        c.Add("one succeeded payment per confirmed order",
              without == 0 && ledger.succeeded_payments == ledger.confirmed_orders,
              N(ledger.succeeded_payments) + " succeeded payments, " + N(ledger.confirmed_orders) +
                  " confirmed orders, " + N(without) + " confirmed without one");
        c.Add("no charge for an order that is not confirmed", unconfirmed == 0,
              N(unconfirmed) + " succeeded payments of unconfirmed orders");
        const auto twice = one_row(kPaymentsPerOrder, drop)[0].as<long long>();
        c.Add("no order charged twice", twice == 0, N(twice) + " orders with >1 succeeded payment");
        const auto orphans = one_row(kOrphanCharges, PgArray(facts.buyer_ids))[0].as<long long>();
        c.Add("no charge without an order (this run's buyers)", orphans == 0,
              N(orphans) + " succeeded payments whose order does not exist");
      });

  const auto captures_after = facts.captures_before && facts.read_captures_after
                                  ? facts.read_captures_after()
                                  : std::optional<double>();
  if (facts.captures_before && !captures_after) {
    c.Add("provider captures = succeeded payments of the drop", false,
          "payment metrics answered before the storm but not after it");
  }
  if (facts.captures_before && captures_after) {
    const auto delta = static_cast<long long>(*captures_after - *facts.captures_before);
    c.Add("provider captures = succeeded payments of the drop", delta == ledger.succeeded_payments,
          "livedrop_payment_provider_captures_total +" + N(delta) + " vs " +
              N(ledger.succeeded_payments) + " succeeded payments");
  }
  return checks;
}

std::optional<double> ScrapeCaptures(const std::optional<HttpEndpoint>& metrics) {
  if (!metrics) return std::nullopt;
  const auto text = FetchMetrics(*metrics);
  if (!text) return std::nullopt;
  return SumPrometheusSamples(*text, kCapturesMetric).value_or(0);
}

}  // namespace livedrop::loadgen
