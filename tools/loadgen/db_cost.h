#pragma once

#include <boost/json/fwd.hpp>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace livedrop::loadgen {

// What the platform's database did, as pg_stat_database and pg_stat_statements count it.
struct DbCounters {
  long long commits = 0, rollbacks = 0;
  long long inserted = 0, updated = 0, deleted = 0, fetched = 0, returned = 0;
  // Transaction ids handed out (pg_current_snapshot's xmax; the whole server): transactions
  // that wrote or locked a row. pg_stat_database's commits also count every read-only
  // transaction and autocommitted read; these are the ones that had something to commit.
  long long write_transactions = 0;
  // pg_stat_statements, when the server preloads it: calls per statement (query text, as
  // normalized by the extension, of the platform's database only).
  std::optional<std::map<std::string, long long>> calls;
};

// The test processor's ledger (the payment database's test_processor_charges table) stands in
// for a payment processor's own database, which a deployment does not have: its statements run
// autocommitted, one commit each, so their calls are the commits of the stand-in, reported apart
// from the platform's. (A refund's two ledger statements share one transaction and count as two;
// a storm refunds nothing.)
inline constexpr const char* kTestProcessorLedger = "test_processor_charges";
long long TestProcessorCommits(const std::map<std::string, long long>& calls);

// after − before, statement by statement (statements first seen after `before` count from 0).
DbCounters CountersDelta(const DbCounters& before, const DbCounters& after);

// The database cost of a window of the storm, to be divided by what it achieved.
struct DbCost {
  DbCounters delta;
  double seconds = 0;
  // The same counters while the platform idled just before (relays polling, recovery passes),
  // scaled to `seconds`: what the window would have cost with no orders at all.
  std::optional<DbCounters> idle;
  long long confirmed_orders = 0;  // orders of the drop confirmed in the window
  long long finished_orders = 0;   // orders of the drop that reached stage done in it
};

// Scales every counter of `c` by `factor` (rounded to the nearest whole count).
DbCounters Scaled(const DbCounters& c, double factor);

// Prints "database cost per confirmed order" rows (commits, rollbacks, tuples, statement
// calls; with the idle cost subtracted when known) and the statements called most, and
// returns the same as JSON.
boost::json::object ReportDbCost(const DbCost& cost, std::ostream& out, int top_statements = 8);

// Reads the counters of the database pg_url names. Ensures the pg_stat_statements extension
// exists there when the server preloads its library; `calls` stays empty otherwise (the
// `note` says why).
DbCounters ReadDbCounters(const std::string& pg_url, std::string* note = nullptr);

// Orders of the drop that are confirmed, and that reached stage done (any outcome).
struct FinishedOrders {
  long long confirmed = 0, done = 0;
};
FinishedOrders ReadFinishedOrders(const std::string& pg_url, const std::string& drop_id);

}  // namespace livedrop::loadgen
