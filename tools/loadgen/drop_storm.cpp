// drop-storm: C concurrent buyers race for a drop of K units through the public API; the
// figures are printed next to a pgbench baseline of the naive reservation transaction taken
// in the same run, then the database is audited (no overselling, no double charge, limits).
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "cpu_cost.h"
#include "db_cost.h"
#include "gateway_api.h"
#include "http_connection.h"
#include "livedrop/config/config.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "order_outcome.h"
#include "pgbench_baseline.h"
#include "report.h"
#include "run_plan.h"
#include "scenario_flags.h"
#include "scenarios.h"
#include "stats.h"
#include "storm_checks.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kProgram = "livedrop-loadgen drop-storm";
// PostgreSQL backends flush their statistics at most once a second.
constexpr milliseconds kStatsFlush{1500};

struct Options : AccountFlags {
  HttpEndpoint gateway;
  std::string pg_url;
  std::optional<HttpEndpoint> payment_metrics;
  int buyers = 0;
  long long units = 0, per_buyer_limit = 0, quantity = 0;
  int concurrency = 0;
  double decline_share = 0, retry_share = 0;
  AttemptPlan plan;
  milliseconds start_delay{0}, refusal{0}, grace{0}, request_timeout{0};
  int baseline_seconds = 0;
  milliseconds idle_window{0};
  std::string pgbench;
  unsigned seed = 0;
};

Options ParseOptions(int argc, char** argv) {
  config::Spec spec(kProgram,
                    "Registers a creator and N buyers, creates a drop of K units and lets C "
                    "concurrent clients race to buy it; prints throughput and latency per outcome "
                    "next to a pgbench baseline, then verifies the database. Exit 0 when every "
                    "check passed, 1 when one failed, 3 when the run could not be carried out.");
  spec.String("gateway", "Gateway base URL", "http://127.0.0.1:8080")
      .String("pg-url", "PostgreSQL URL of the platform (verification and the pgbench baseline)",
              "postgresql://livedrop@127.0.0.1:55432/livedrop")
      .String("payment-metrics",
              "Payment service metrics URL (provider captures); empty to skip that check",
              "http://127.0.0.1:9006/metrics")
      .Int("buyers", "Buyer accounts", 2000, 1, 1000000)
      .Int("units", "Units in the drop (K)", 100, 1, 1000000000)
      .Int("per-buyer-limit", "Per-buyer limit of the drop", 2, 1, 1000000)
      .Int("quantity", "Units asked for by each attempt", 1, 1, 1000000)
      .Int("concurrency", "Concurrent clients (threads, one keep-alive connection each)", 64, 1,
           4096)
      .String("decline-share", "Share of attempts paying with tok_chargeDeclined (0..1)", "0.1")
      .String("retry-share",
              "Share of attempts sent again with the same Idempotency-Key and body after the "
              "first answer (the replay must answer the same) (0..1)",
              "0.1")
      .String("attempts",
              "'once' (every buyer tries once), a number of attempts, or a duration (30s)", "once")
      .Duration("start-delay", "The drop starts this long after it is created", milliseconds(3000))
      .Duration("refusal-duration",
                "After sell-out, keep sending fresh attempts this long to measure sold-out "
                "refusal throughput (0 to skip)",
                milliseconds(5000))
      .Duration("grace", "How long orders may take to settle before the checks",
                milliseconds(15000))
      .Duration("request-timeout", "Timeout of one HTTP request", milliseconds(30000))
      .Int("baseline-seconds", "pgbench baseline duration (0 to skip)", 10, 0, 3600)
      .Duration("idle-window",
                "Before the storm, how long the database is watched idle, to tell the storm's "
                "database cost from the platform's background (0 to skip)",
                milliseconds(2000))
      .String("pgbench", "pgbench binary (default: PATH, then /usr/lib/postgresql/15/bin)", "")
      .Int("seed", "Random seed (tokens, replays, buyer order)", 1, 0, 4294967295LL);
  AddAccountFlags(spec,
                  "Accounts are loadgen-<run-id>-buyer-<i>@loadgen.livedrop.test: the same run id "
                  "reuses them (logs in), a new one creates fresh ones");
  const auto cfg = config::ParseOrExit(spec, argc, argv);

  Options o;
  std::vector<std::string> problems;
  const auto url = [&](const std::string& key) {
    auto e = ParseHttpUrl(cfg.GetString(key));
    if (!e) problems.push_back("--" + key + ": not an http://host:port URL");
    return e;
  };
  if (auto g = url("gateway")) o.gateway = *g;
  if (!cfg.GetString("payment-metrics").empty()) o.payment_metrics = url("payment-metrics");
  o.pg_url = cfg.GetString("pg-url");
  o.buyers = static_cast<int>(cfg.GetInt("buyers"));
  o.units = cfg.GetInt("units");
  o.per_buyer_limit = cfg.GetInt("per-buyer-limit");
  o.quantity = cfg.GetInt("quantity");
  o.concurrency = static_cast<int>(cfg.GetInt("concurrency"));
  const auto share = [&](const std::string& key) { return ReadShare(cfg, key, problems); };
  o.decline_share = share("decline-share");
  o.retry_share = share("retry-share");
  if (auto plan = ParseAttemptPlan(cfg.GetString("attempts"))) {
    o.plan = *plan;
  } else {
    problems.push_back("--attempts: 'once', a positive number or a duration such as 30s");
  }
  o.start_delay = cfg.GetDuration("start-delay");
  o.refusal = cfg.GetDuration("refusal-duration");
  o.grace = cfg.GetDuration("grace");
  o.request_timeout = cfg.GetDuration("request-timeout");
  if (o.request_timeout.count() <= 0) problems.push_back("--request-timeout: must be positive");
  o.baseline_seconds = static_cast<int>(cfg.GetInt("baseline-seconds"));
  o.idle_window = cfg.GetDuration("idle-window");
  o.pgbench = cfg.GetString("pgbench");
  static_cast<AccountFlags&>(o) = ReadAccountFlags(cfg, problems);
  o.seed = static_cast<unsigned>(cfg.GetInt("seed"));
  ExitOnFlagProblems(kProgram, problems);
  return o;
}

// ---------------------------------------------------------------------------------------------
// The race

struct ReplayStats {
  long long sent = 0, mismatches = 0, not_comparable = 0, without_header = 0;
  std::vector<std::string> examples;
  std::vector<double> ms;
  void Merge(ReplayStats&& o) {
    sent += o.sent;
    mismatches += o.mismatches;
    not_comparable += o.not_comparable;
    without_header += o.without_header;
    for (auto& e : o.examples) {
      if (examples.size() < 5) examples.push_back(std::move(e));
    }
    ms.insert(ms.end(), o.ms.begin(), o.ms.end());
  }
};

struct PhaseStats {
  long long attempts = 0;
  double seconds = 0;
  std::map<Outcome, std::vector<double>> ms;
  std::map<int, long long> statuses;       // 0: no answer
  std::map<std::string, long long> other;  // code (or transport error) of "other" answers
  std::vector<std::string> confirmed_ids;
  ReplayStats replays;

  long long Count(Outcome o) const {
    const auto it = ms.find(o);
    return it == ms.end() ? 0 : static_cast<long long>(it->second.size());
  }
  void Merge(PhaseStats&& o) {
    attempts += o.attempts;
    for (auto& [k, v] : o.ms) ms[k].insert(ms[k].end(), v.begin(), v.end());
    for (auto& [k, v] : o.statuses) statuses[k] += v;
    for (auto& [k, v] : o.other) other[k] += v;
    confirmed_ids.insert(confirmed_ids.end(), o.confirmed_ids.begin(), o.confirmed_ids.end());
    replays.Merge(std::move(o.replays));
  }
};

// Shared by every client of a run.
struct Race {
  const Options& options;
  std::string drop_id;
  std::vector<Account> buyers;
  std::vector<int> order;                      // buyers in a shuffled order
  std::vector<std::atomic<long long>> wanted;  // units each buyer asked for with a good card
  std::atomic<long long> next{0};              // attempt index, across phases
  SteadyClock::time_point start;               // first attempt
  std::atomic<long long> first_sold_out_us{-1};
  std::atomic<long long> last_confirmed_us{-1};

  Race(const Options& o, std::string drop, std::vector<Account> b)
      : options(o), drop_id(std::move(drop)), buyers(std::move(b)), wanted(buyers.size()) {
    order.resize(buyers.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(o.seed);
    std::shuffle(order.begin(), order.end(), rng);
  }

  long long SinceStartUs() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start)
        .count();
  }
  void NoteSoldOut() {
    const auto t = SinceStartUs();
    long long seen = first_sold_out_us.load();
    while ((seen < 0 || t < seen) && !first_sold_out_us.compare_exchange_weak(seen, t)) {
    }
  }
  void NoteConfirmed() {
    const auto t = SinceStartUs();
    long long seen = last_confirmed_us.load();
    while (t > seen && !last_confirmed_us.compare_exchange_weak(seen, t)) {
    }
  }
};

// A first answer a replay must repeat: not pending (202), nor a failure to answer.
bool Comparable(const HttpAnswer& first) {
  return first.status != 0 && first.status != 429 && first.status != 503 && first.status != 504 &&
         first.status != 202;
}

// Sends one replay of the attempt and compares it with the first answer.
void Replay(HttpConnection& http, const std::string& target, const std::string& body,
            const Headers& headers, const HttpAnswer& first, const Classified& c,
            ReplayStats& stats) {
  ++stats.sent;
  const auto again = http.Request("POST", target, body, headers);
  stats.ms.push_back(again.ms);
  if (!Comparable(first)) {
    ++stats.not_comparable;
    return;
  }
  const auto c2 = ClassifyOrderAnswer(again.status, again.body);
  std::string why;
  if (again.status != first.status) {
    why = "status " + std::to_string(first.status) + " then " + std::to_string(again.status);
  } else if (first.status == 201 && c2.order_id != c.order_id) {
    why = "order " + c.order_id + " then " + c2.order_id;
  } else if (first.status != 201 && c2.code != c.code) {
    why = "code " + c.code + " then " + c2.code;
  }
  if (!why.empty()) {
    ++stats.mismatches;
    if (stats.examples.size() < 5) stats.examples.push_back(why);
  } else if (!again.replayed) {
    ++stats.without_header;
  }
}

// One client: takes attempt indexes until `more` says stop.
PhaseStats Client(Race& race, int client, const std::function<bool(long long)>& more) {
  const auto& o = race.options;
  PhaseStats stats;
  HttpConnection http(o.gateway.host, o.gateway.port, o.request_timeout);
  std::mt19937_64 rng(o.seed * 7919ULL + static_cast<unsigned long long>(client) + 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::string target = o.gateway.path + "/v1/orders";
  for (long long i = race.next++; more(i); i = race.next++) {
    const int buyer =
        race.order[static_cast<std::size_t>(i % static_cast<long long>(race.order.size()))];
    const bool declined = unit(rng) < o.decline_share;
    const bool replay = unit(rng) < o.retry_share;
    if (!declined) race.wanted[static_cast<std::size_t>(buyer)] += o.quantity;
    const std::string body = json::serialize(
        json::object{{"drop_id", race.drop_id},
                     {"quantity", o.quantity},
                     {"payment_token", declined ? "tok_chargeDeclined" : "tok_visa"}});
    const Headers headers{
        {"Content-Type", "application/json"},
        {"Authorization", "Bearer " + race.buyers[static_cast<std::size_t>(buyer)].access_token},
        {"Idempotency-Key", "lg-" + NewUuid()}};
    const auto answer = http.Request("POST", target, body, headers);
    ++stats.attempts;
    const auto c = ClassifyOrderAnswer(answer.status, answer.body);
    stats.ms[c.outcome].push_back(answer.ms);
    ++stats.statuses[answer.status];
    if (c.outcome == Outcome::kConfirmed) {
      race.NoteConfirmed();
      stats.confirmed_ids.push_back(c.order_id);
    } else if (c.outcome == Outcome::kSoldOut) {
      race.NoteSoldOut();
    } else if (c.outcome == Outcome::kOther) {
      ++stats.other[OtherAnswerKey(answer.status, c.code, answer.error)];
    }
    if (replay) Replay(http, target, body, headers, answer, c, stats.replays);
  }
  return stats;
}

PhaseStats RunPhase(Race& race, const std::function<bool(long long)>& more) {
  std::vector<PhaseStats> per_client(static_cast<std::size_t>(race.options.concurrency));
  const auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < race.options.concurrency; ++t) {
    threads.emplace_back(
        [&, t] { per_client[static_cast<std::size_t>(t)] = Client(race, t, more); });
  }
  for (auto& t : threads) t.join();
  PhaseStats total;
  total.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (auto& s : per_client) total.Merge(std::move(s));
  return total;
}

// ---------------------------------------------------------------------------------------------
// Set-up

// Waits for the drop to be live through the API and for inventory to hold its stock.
void WaitUntilLive(GatewayApi& api, const Options& o, const std::string& drop_id,
                   SteadyClock::time_point created, std::ostream& out) {
  const auto deadline = created + o.start_delay + std::chrono::seconds(60);
  bool live = false, stocked = false;
  while (!(live && stocked)) {
    if (SteadyClock::now() > deadline) {
      throw std::runtime_error(std::string("drop not ready a minute after its start: ") +
                               (live ? "live" : "not live") + ", " +
                               (stocked ? "stock present" : "no inventory.stock row"));
    }
    if (!live) {
      const auto view = api.GetDrop(drop_id);
      if (view.status == "live") {
        live = true;
        out << "drop live " << std::fixed << std::setprecision(3)
            << std::chrono::duration<double>(SteadyClock::now() - created).count()
            << " s after creation (start delay " << config::FormatDuration(o.start_delay) << ")\n";
      } else if (view.status != "scheduled") {
        throw std::runtime_error("drop is " + view.status + ", expected scheduled then live");
      }
    }
    if (!stocked) stocked = ReadStock(o.pg_url, drop_id).has_value();
    if (!(live && stocked)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int RunDropStorm(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::ostream& out = o.json_only ? std::cerr : std::cout;
  json::object result{{"scenario", "drop-storm"}};
  return RunScenario(kProgram, out, result, [&] {
    out << "drop-storm: " << o.buyers << " buyers, " << o.units << " units, limit "
        << o.per_buyer_limit << ", quantity " << o.quantity << ", " << o.concurrency
        << " clients, attempts: " << o.plan.Describe() << ", " << Fixed(o.decline_share * 100, 0)
        << "% declined cards, " << Fixed(o.retry_share * 100, 0) << "% replayed\n";

    // Baseline first, on a quiet database: nothing of the storm runs beside it.
    std::optional<double> baseline_tps;
    json::object baseline_json{{"seconds", o.baseline_seconds}, {"clients", o.concurrency}};
    if (o.baseline_seconds > 0) {
      out << "baseline: pgbench, naive reserve transaction, " << o.concurrency << " clients, "
          << o.baseline_seconds << " s ...\n"
          << std::flush;
      const auto b =
          RunPgbenchBaseline(o.pg_url, o.concurrency, std::chrono::seconds(o.baseline_seconds),
                             o.pgbench.empty() ? FindPgbench() : o.pgbench);
      if (b.ok) {
        baseline_tps = b.report.tps;
        out << "baseline: " << Fixed(*b.report.tps) << " tps, latency avg "
            << Fixed(b.report.latency_avg_ms.value_or(0), 2) << " ms, "
            << b.report.transactions.value_or(0) << " transactions, " << b.report.failed.value_or(0)
            << " failed\n";
      } else {
        out << "baseline: FAILED (" << b.error << ")\n";
        baseline_json["error"] = b.error;
      }
      if (b.ok) {
        baseline_json["cpu"] = ReportCpuCost(
            b.cpu, b.cpu_seconds, b.report.transactions.value_or(0), "pgbench transaction", out);
      }
      baseline_json["tps"] = OptionalNumber(b.report.tps);
      baseline_json["latency_avg_ms"] = OptionalNumber(b.report.latency_avg_ms);
      baseline_json["command"] = b.command;
    }
    result["baseline"] = baseline_json;

    // Accounts. Tokens must outlive the whole run.
    const auto validity = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::minutes(5) + o.plan.duration + o.refusal + o.grace +
        std::chrono::seconds(o.baseline_seconds));
    const std::string prefix = "loadgen-" + o.run_id;
    const auto creator =
        EnsureAccounts(o.gateway, prefix + "-creator", "creator", 1, 1, o.token_cache, validity)
            .front();
    const auto reg_start = SteadyClock::now();
    auto buyers = EnsureAccounts(o.gateway, prefix + "-buyer", "buyer", o.buyers,
                                 o.register_concurrency, o.token_cache, validity);
    const double reg_s = std::chrono::duration<double>(SteadyClock::now() - reg_start).count();
    out << "accounts: " << o.buyers << " buyers ready in " << Fixed(reg_s, 1) << " s ("
        << o.register_concurrency << " registrations/logins at once; cached tokens reused)\n";
    result["accounts_seconds"] = reg_s;

    // The drop.
    GatewayApi api(o.gateway);
    const auto product =
        api.CreateProduct(creator.access_token, "Loadgen drop-storm tee", 2500, "EUR");
    const auto now = Now();
    const auto starts = now + std::chrono::duration_cast<std::chrono::microseconds>(o.start_delay);
    const auto ends = starts + std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::minutes(10) + o.plan.duration + o.refusal);
    const auto created = SteadyClock::now();
    const auto drop_id = api.CreateDrop(creator.access_token, product, FormatRfc3339(starts),
                                        FormatRfc3339(ends), o.units, o.per_buyer_limit);
    out << "drop " << drop_id << " starts " << FormatRfc3339(starts) << "\n";
    result["drop_id"] = drop_id;
    WaitUntilLive(api, o, drop_id, created, out);

    const auto captures_before = ScrapeCaptures(o.payment_metrics);
    if (o.payment_metrics && !captures_before) {
      out << "payment metrics unreachable: the captures check is skipped\n";
    }

    // The database's counters: idle first (the platform's background), then over the storm.
    std::string db_note;
    std::optional<DbCounters> idle_delta;
    auto db_before = ReadDbCounters(o.pg_url, &db_note);
    if (!db_note.empty()) out << db_note << "\n";
    if (o.idle_window.count() > 0) {
      std::this_thread::sleep_for(o.idle_window);
      auto idle_end = ReadDbCounters(o.pg_url);
      idle_delta = CountersDelta(db_before, idle_end);
      db_before = std::move(idle_end);
    }
    const auto db_start = SteadyClock::now();

    // The race, then the refusals after sell-out.
    Race race(o, drop_id, std::move(buyers));
    const auto cpu_before_storm = ReadCpuCounters();
    race.start = SteadyClock::now();
    const auto storm_deadline = race.start + o.plan.duration;
    PhaseStats storm = RunPhase(race, [&](long long i) {
      switch (o.plan.kind) {
        case AttemptPlan::Kind::kEveryBuyerOnce:
          return i < o.buyers;
        case AttemptPlan::Kind::kCount:
          return i < o.plan.count;
        case AttemptPlan::Kind::kDuration:
          return SteadyClock::now() < storm_deadline;
      }
      return false;
    });
    const auto cpu_storm = CpuDelta(cpu_before_storm, ReadCpuCounters());
    // Backends report their counters at most once a second: wait for the last of the storm.
    std::this_thread::sleep_for(kStatsFlush);
    DbCost db_cost;
    db_cost.delta = CountersDelta(db_before, ReadDbCounters(o.pg_url));
    db_cost.seconds = std::chrono::duration<double>(SteadyClock::now() - db_start).count();
    if (idle_delta) {
      db_cost.idle = Scaled(*idle_delta,
                            db_cost.seconds / std::chrono::duration<double>(o.idle_window).count());
    }
    const auto finished = ReadFinishedOrders(o.pg_url, drop_id);
    db_cost.confirmed_orders = finished.confirmed;
    db_cost.finished_orders = finished.done;

    std::optional<PhaseStats> refusals;
    std::optional<CpuUse> cpu_refusals;
    if (race.first_sold_out_us >= 0 && o.refusal.count() > 0) {
      const auto cpu_before_refusals = ReadCpuCounters();
      const auto deadline = SteadyClock::now() + o.refusal;
      refusals = RunPhase(race, [&](long long) { return SteadyClock::now() < deadline; });
      cpu_refusals = CpuDelta(cpu_before_refusals, ReadCpuCounters());
    }

    PhaseStats all = storm;  // both phases together
    if (refusals) all.Merge(PhaseStats(*refusals));

    // Demand: what buyers asked for with a good card, each capped by the limit (none when one
    // attempt asks for more than the limit: it can never buy).
    long long demand = 0;
    if (o.quantity <= o.per_buyer_limit) {
      for (const auto& w : race.wanted) demand += std::min<long long>(w.load(), o.per_buyer_limit);
    }

    // Verification.
    StormFacts facts;
    facts.drop_id = drop_id;
    facts.units = o.units;
    facts.per_buyer_limit = o.per_buyer_limit;
    facts.demand_exceeds_supply = demand > o.units;
    facts.attempts = all.attempts;
    facts.confirmed_order_ids = {all.confirmed_ids.begin(), all.confirmed_ids.end()};
    for (const auto& b : race.buyers) facts.buyer_ids.push_back(b.user_id);
    facts.captures_before = captures_before;
    if (captures_before)
      facts.read_captures_after = [&] { return ScrapeCaptures(o.payment_metrics); };
    DropLedger ledger;
    auto checks = VerifyDrop(o.pg_url, facts, o.grace, ledger);
    checks.insert(checks.begin(),
                  Check{"replays answer like the first answer", all.replays.mismatches == 0,
                        std::to_string(all.replays.mismatches) + " mismatches of " +
                            std::to_string(all.replays.sent) + " replays"});

    // Figures.
    const double first_sold_out_s = race.first_sold_out_us / 1e6;
    const double last_confirmed_s = race.last_confirmed_us / 1e6;
    const long long confirmed_orders = all.Count(Outcome::kConfirmed);
    const double attempts_per_s = storm.seconds > 0 ? storm.attempts / storm.seconds : 0;
    const double selling_s = race.last_confirmed_us > 0 ? last_confirmed_s : storm.seconds;
    const double confirmed_per_s = selling_s > 0 ? confirmed_orders / selling_s : 0;
    const double refusals_per_s = refusals && refusals->seconds > 0
                                      ? refusals->Count(Outcome::kSoldOut) / refusals->seconds
                                      : 0;

    out << "\n"
        << std::left << std::setw(16) << "phase" << std::right << std::setw(10) << "attempts"
        << std::setw(10) << "seconds" << std::setw(12) << "attempts/s"
        << "\n";
    const auto phase_row = [&](const std::string& name, const PhaseStats& p) {
      out << std::left << std::setw(16) << name << std::right << std::setw(10) << p.attempts
          << std::setw(10) << Fixed(p.seconds, 2) << std::setw(12)
          << Fixed(p.seconds > 0 ? p.attempts / p.seconds : 0) << "\n";
    };
    phase_row("storm", storm);
    if (refusals) phase_row("after sell-out", *refusals);

    out << "\n"
        << std::left << std::setw(16) << "phase" << std::setw(18) << "outcome" << std::right
        << std::setw(8) << "count" << std::setw(10) << "p50 ms" << std::setw(10) << "p95 ms"
        << std::setw(10) << "p99 ms" << std::setw(10) << "max ms"
        << "\n";
    json::object outcomes_json;
    const auto latency_row = [&](const std::string& phase, const std::string& name,
                                 const std::vector<double>& ms) {
      const auto s = Summarize(ms);
      out << std::left << std::setw(16) << phase << std::setw(18) << name << std::right
          << std::setw(8) << s.count << std::setw(10) << Fixed(s.p50, 2) << std::setw(10)
          << Fixed(s.p95, 2) << std::setw(10) << Fixed(s.p99, 2) << std::setw(10) << Fixed(s.max, 2)
          << "\n";
      return s;
    };
    const auto phase_outcomes = [&](const std::string& phase, const PhaseStats& p) {
      json::object j;
      for (const auto outcome : kAllOutcomes) {
        const auto it = p.ms.find(outcome);
        const std::vector<double> empty;
        const auto s = latency_row(phase, std::string(OutcomeName(outcome)),
                                   it == p.ms.end() ? empty : it->second);
        j[OutcomeName(outcome)] = SummaryJson(s);
      }
      return j;
    };
    outcomes_json["storm"] = phase_outcomes("storm", storm);
    if (refusals) outcomes_json["after_sell_out"] = phase_outcomes("after sell-out", *refusals);
    outcomes_json["replay"] = SummaryJson(latency_row("(replays)", "replay", all.replays.ms));

    out << "\nHTTP status:";
    json::object statuses_json;
    for (const auto& [status, n] : all.statuses) {
      out << "  " << (status == 0 ? "no-answer" : std::to_string(status)) << " x" << n;
      statuses_json[status == 0 ? "none" : std::to_string(status)] = n;
    }
    out << "\n";
    json::object other_json;
    if (!all.other.empty()) {
      out << "other answers:";
      for (const auto& [code, n] : all.other) {
        out << "  " << code << " x" << n;
        other_json[code] = n;
      }
      out << "\n";
    }
    out << "replays: " << all.replays.sent << " sent, " << all.replays.mismatches << " mismatches, "
        << all.replays.not_comparable << " not comparable (first answer 202/429/503/504/none), "
        << all.replays.without_header << " matching but without Idempotent-Replayed: true\n";
    for (const auto& e : all.replays.examples) out << "  mismatch: " << e << "\n";

    out << "\n"
        << std::left << std::setw(40) << "throughput" << std::right << std::setw(12) << "per s"
        << std::setw(16) << "/ baseline tps"
        << "\n";
    const auto ratio_row = [&](const std::string& name, double v) {
      out << std::left << std::setw(40) << name << std::right << std::setw(12) << Fixed(v)
          << std::setw(16) << Ratio(v, baseline_tps) << "\n";
    };
    ratio_row("pgbench naive reserve (baseline)", baseline_tps.value_or(0));
    ratio_row("attempts (storm phase)", attempts_per_s);
    ratio_row("confirmed orders (first attempt -> last)", confirmed_per_s);
    if (refusals) ratio_row("sold-out refusals (after sell-out)", refusals_per_s);
    out << "first attempt -> first sold_out: "
        << (race.first_sold_out_us >= 0 ? Fixed(first_sold_out_s, 3) + " s" : "never")
        << "; -> last confirmed: "
        << (race.last_confirmed_us >= 0 ? Fixed(last_confirmed_s, 3) + " s" : "never") << "\n";
    out << "demand " << demand << " units for " << o.units << " ("
        << (facts.demand_exceeds_supply ? "exceeds supply" : "does not exceed supply")
        << "); database: " << ledger.confirmed_units << " units in " << ledger.confirmed_orders
        << " confirmed orders, " << ledger.failed << " failed, " << ledger.orders
        << " orders in all, " << ledger.succeeded_payments << " succeeded payments; stock "
        << ledger.available << " available / " << ledger.reserved << " reserved / " << ledger.sold
        << " sold; settled in " << Fixed(ledger.settle_seconds, 2) << " s\n";

    result["db_cost"] = ReportDbCost(db_cost, out);
    out << "\n";
    json::object cpu_json{
        {"storm", ReportCpuCost(cpu_storm, storm.seconds, db_cost.confirmed_orders,
                                "confirmed order", out)}};
    if (refusals) {
      cpu_json["after_sell_out"] = ReportCpuCost(
          *cpu_refusals, refusals->seconds, refusals->Count(Outcome::kSoldOut), "refusal", out);
    }
    result["cpu_cost"] = cpu_json;

    json::array checks_json;
    out << "\n";
    const bool pass = ReportChecks(checks, out, checks_json);
    out << (pass ? "\nPASS" : "\nFAIL") << "\n";

    result["config"] = json::object{{"buyers", o.buyers},
                                    {"units", o.units},
                                    {"per_buyer_limit", o.per_buyer_limit},
                                    {"quantity", o.quantity},
                                    {"concurrency", o.concurrency},
                                    {"decline_share", o.decline_share},
                                    {"retry_share", o.retry_share},
                                    {"attempts", o.plan.Describe()}};
    result["storm"] = json::object{{"attempts", storm.attempts},
                                   {"seconds", storm.seconds},
                                   {"attempts_per_s", attempts_per_s}};
    if (refusals) {
      result["after_sell_out"] = json::object{{"attempts", refusals->attempts},
                                              {"seconds", refusals->seconds},
                                              {"sold_out", refusals->Count(Outcome::kSoldOut)},
                                              {"sold_out_per_s", refusals_per_s}};
    }
    result["confirmed_orders"] = confirmed_orders;
    result["confirmed_orders_per_s"] = confirmed_per_s;
    result["first_sold_out_s"] =
        race.first_sold_out_us >= 0 ? json::value(first_sold_out_s) : json::value(nullptr);
    result["last_confirmed_s"] =
        race.last_confirmed_us >= 0 ? json::value(last_confirmed_s) : json::value(nullptr);
    result["outcomes"] = outcomes_json;
    result["statuses"] = statuses_json;
    result["other"] = other_json;
    result["replays"] = json::object{{"sent", all.replays.sent},
                                     {"mismatches", all.replays.mismatches},
                                     {"not_comparable", all.replays.not_comparable},
                                     {"without_header", all.replays.without_header}};
    const auto ratio_json = [&](double v) {
      return baseline_tps && *baseline_tps > 0 ? json::value(v / *baseline_tps)
                                               : json::value(nullptr);
    };
    result["ratios"] = json::object{{"attempts_per_baseline_tps", ratio_json(attempts_per_s)},
                                    {"confirmed_per_baseline_tps", ratio_json(confirmed_per_s)},
                                    {"refusals_per_baseline_tps",
                                     refusals ? ratio_json(refusals_per_s) : json::value(nullptr)}};
    result["demand_units"] = demand;
    result["ledger"] = json::object{{"confirmed_units", ledger.confirmed_units},
                                    {"confirmed_orders", ledger.confirmed_orders},
                                    {"orders", ledger.orders},
                                    {"succeeded_payments", ledger.succeeded_payments},
                                    {"available", ledger.available},
                                    {"reserved", ledger.reserved},
                                    {"sold", ledger.sold}};
    result["checks"] = checks_json;
    return pass;
  });
}

}  // namespace livedrop::loadgen
