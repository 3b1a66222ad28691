// The arithmetic and the report of db_cost.h; the database reads are in db_cost.cpp.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <iomanip>
#include <ostream>

#include "db_cost.h"
#include "report.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;

long long Total(const std::map<std::string, long long>& calls) {
  long long n = 0;
  for (const auto& [query, c] : calls) n += c;
  return n;
}

std::string OneLine(std::string query, std::size_t width) {
  std::replace(query.begin(), query.end(), '\n', ' ');
  query.erase(
      std::unique(query.begin(), query.end(), [](char a, char b) { return a == ' ' && b == ' '; }),
      query.end());
  if (query.size() > width) query = query.substr(0, width - 3) + "...";
  return query;
}

}  // namespace

long long TestProcessorCommits(const std::map<std::string, long long>& calls) {
  long long n = 0;
  for (const auto& [query, c] : calls) {
    if (query.find(kTestProcessorLedger) != std::string::npos) n += c;
  }
  return n;
}

DbCounters CountersDelta(const DbCounters& before, const DbCounters& after) {
  DbCounters d;
  d.commits = after.commits - before.commits;
  d.rollbacks = after.rollbacks - before.rollbacks;
  d.inserted = after.inserted - before.inserted;
  d.updated = after.updated - before.updated;
  d.deleted = after.deleted - before.deleted;
  d.fetched = after.fetched - before.fetched;
  d.returned = after.returned - before.returned;
  d.write_transactions = after.write_transactions - before.write_transactions;
  if (before.calls && after.calls) {
    std::map<std::string, long long> calls;
    for (const auto& [query, n] : *after.calls) {
      const auto it = before.calls->find(query);
      const long long grew = n - (it == before.calls->end() ? 0 : it->second);
      if (grew > 0) calls[query] = grew;
    }
    d.calls = std::move(calls);
  }
  return d;
}

DbCounters Scaled(const DbCounters& c, double factor) {
  const auto scale = [&](long long v) { return std::llround(static_cast<double>(v) * factor); };
  DbCounters s;
  s.commits = scale(c.commits);
  s.rollbacks = scale(c.rollbacks);
  s.inserted = scale(c.inserted);
  s.updated = scale(c.updated);
  s.deleted = scale(c.deleted);
  s.fetched = scale(c.fetched);
  s.returned = scale(c.returned);
  s.write_transactions = scale(c.write_transactions);
  if (c.calls) {
    std::map<std::string, long long> calls;
    for (const auto& [query, n] : *c.calls) calls[query] = scale(n);
    s.calls = std::move(calls);
  }
  return s;
}

json::object ReportDbCost(const DbCost& cost, std::ostream& out, int top_statements) {
  const double per =
      cost.confirmed_orders > 0 ? 1.0 / static_cast<double>(cost.confirmed_orders) : 0.0;
  const DbCounters& d = cost.delta;
  const std::optional<DbCounters> idle = cost.idle;
  struct Row {
    const char* name;
    long long window;
    std::optional<long long> idle;
  };
  const auto idle_of = [&](long long DbCounters::*field) -> std::optional<long long> {
    if (!idle) return std::nullopt;
    return (*idle).*field;
  };
  std::vector<Row> rows{{"commits", d.commits, idle_of(&DbCounters::commits)}};
  if (d.calls) {
    const long long stand_in = TestProcessorCommits(*d.calls);
    const std::optional<long long> idle_stand_in =
        idle && idle->calls ? std::optional<long long>(TestProcessorCommits(*idle->calls))
                            : std::nullopt;
    const auto idle_platform = [&]() -> std::optional<long long> {
      if (!idle || !idle_stand_in) return std::nullopt;
      return idle->commits - *idle_stand_in;
    };
    rows.push_back({"commits: test processor", stand_in, idle_stand_in});
    rows.push_back({"commits: the platform", d.commits - stand_in, idle_platform()});
  }
  rows.insert(rows.end(), {{"write transactions", d.write_transactions,
                            idle_of(&DbCounters::write_transactions)},
                           {"rollbacks", d.rollbacks, idle_of(&DbCounters::rollbacks)},
                           {"tuples inserted", d.inserted, idle_of(&DbCounters::inserted)},
                           {"tuples updated", d.updated, idle_of(&DbCounters::updated)},
                           {"tuples deleted", d.deleted, idle_of(&DbCounters::deleted)},
                           {"tuples fetched", d.fetched, idle_of(&DbCounters::fetched)},
                           {"tuples returned", d.returned, idle_of(&DbCounters::returned)}});
  if (d.calls) {
    rows.push_back(
        {"statement calls", Total(*d.calls),
         idle && idle->calls ? std::optional<long long>(Total(*idle->calls)) : std::nullopt});
  }

  out << "\ndatabase cost over the storm (" << Fixed(cost.seconds, 2) << " s; "
      << cost.confirmed_orders << " orders confirmed, " << cost.finished_orders
      << " reached done; pg_stat_database" << (d.calls ? " + pg_stat_statements" : "") << ")\n"
      << std::left << std::setw(24) << "counter" << std::right << std::setw(12) << "in window"
      << std::setw(12) << "idle cost" << std::setw(16) << "per confirmed" << std::setw(16)
      << "net of idle"
      << "\n";
  json::object per_confirmed, net_per_confirmed, window;
  for (const auto& r : rows) {
    const double gross = static_cast<double>(r.window) * per;
    out << std::left << std::setw(24) << r.name << std::right << std::setw(12) << r.window
        << std::setw(12) << (r.idle ? std::to_string(*r.idle) : "-") << std::setw(16)
        << Fixed(gross, 2) << std::setw(16)
        << (r.idle ? Fixed(static_cast<double>(r.window - *r.idle) * per, 2) : "-") << "\n";
    window[r.name] = r.window;
    per_confirmed[r.name] = cost.confirmed_orders > 0 ? json::value(gross) : json::value(nullptr);
    if (r.idle && cost.confirmed_orders > 0) {
      net_per_confirmed[r.name] = static_cast<double>(r.window - *r.idle) * per;
    }
  }
  json::object result{{"seconds", cost.seconds},
                      {"confirmed_orders", cost.confirmed_orders},
                      {"finished_orders", cost.finished_orders},
                      {"window", window},
                      {"per_confirmed_order", per_confirmed},
                      {"net_of_idle_per_confirmed_order", net_per_confirmed}};
  if (d.calls && !d.calls->empty()) {
    std::vector<std::pair<std::string, long long>> top(d.calls->begin(), d.calls->end());
    std::sort(top.begin(), top.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    if (top.size() > static_cast<std::size_t>(top_statements)) {
      top.resize(static_cast<std::size_t>(top_statements));
    }
    out << "statements called most (calls per confirmed order):\n";
    json::array top_json;
    for (const auto& [query, n] : top) {
      out << "  " << std::setw(8) << Fixed(static_cast<double>(n) * per, 2) << "  "
          << OneLine(query, 110) << "\n";
      top_json.push_back(json::object{{"query", query}, {"calls", n}});
    }
    result["top_statements"] = top_json;
  }
  return result;
}

}  // namespace livedrop::loadgen
