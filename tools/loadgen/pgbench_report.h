#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace livedrop::loadgen {

// What a pgbench run printed that the baseline needs.
struct PgbenchReport {
  std::optional<double> tps;  // excluding connection set-up when pgbench says so
  std::optional<long long> transactions;
  std::optional<long long> failed;
  std::optional<double> latency_avg_ms;
};

// Reads pgbench's summary (PostgreSQL 15 wording, and the older "excluding connections
// establishing" one). Fields pgbench did not print stay empty.
PgbenchReport ParsePgbenchOutput(std::string_view output);

// The naive order transaction the storm is compared with: lock the one stock row, decrement
// it, insert a reservation, commit. Tables as created by kBaselineSchema.
inline constexpr std::string_view kBaselineScript =
    "\\set buyer random(1, 1000000)\n"
    "BEGIN;\n"
    "SELECT available FROM bench_stock WHERE drop_id = '00000000-0000-4000-8000-000000000001' "
    "FOR UPDATE;\n"
    "UPDATE bench_stock SET available = available - 1 "
    "WHERE drop_id = '00000000-0000-4000-8000-000000000001';\n"
    "INSERT INTO bench_reservations (order_id, drop_id, buyer, quantity, state) VALUES "
    "(gen_random_uuid(), '00000000-0000-4000-8000-000000000001', :buyer, 1, 'held');\n"
    "COMMIT;\n";

// Fresh tables every run; the stock never runs out (a CHECK like inventory's own).
inline constexpr std::string_view kBaselineSchema =
    "DROP TABLE IF EXISTS bench_reservations, bench_stock;"
    "CREATE TABLE bench_stock (drop_id uuid PRIMARY KEY, "
    "  available bigint NOT NULL CHECK (available >= 0));"
    "CREATE TABLE bench_reservations (order_id uuid PRIMARY KEY, "
    "  drop_id uuid NOT NULL REFERENCES bench_stock (drop_id), buyer integer NOT NULL, "
    "  quantity integer NOT NULL, state text NOT NULL, "
    "  created_at timestamptz NOT NULL DEFAULT now());"
    "INSERT INTO bench_stock VALUES ('00000000-0000-4000-8000-000000000001', 1000000000000);";

// The same server URL with another database: postgresql://u@h:p/livedrop?x=y →
// postgresql://u@h:p/<database>?x=y. Also accepts key=value conninfo strings (dbname= is
// replaced or added).
std::string WithDatabase(const std::string& pg_url, const std::string& database);

}  // namespace livedrop::loadgen
