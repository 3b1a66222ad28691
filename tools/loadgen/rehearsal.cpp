// rehearsal: a celebrity drop, all at once against one running platform. W followers hold a
// WebSocket, R connections read the drop page, and B buyers storm POST /v1/orders at the
// scheduled start T0; each path's latency is reported against the targets, then the
// drop is audited like drop-storm's (storm_checks).
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "cpu_cost.h"
#include "fan_out_logic.h"
#include "gateway_api.h"
#include "http_connection.h"
#include "livedrop/config/config.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "order_outcome.h"
#include "rehearsal_logic.h"
#include "report.h"
#include "run_plan.h"
#include "run_setup.h"
#include "scenario_flags.h"
#include "scenarios.h"
#include "stats.h"
#include "storm_checks.h"
#include "ws_client.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kProgram = "livedrop-loadgen rehearsal";

struct Options : AccountFlags {
  HttpEndpoint gateway;
  std::string pg_url;
  std::optional<HttpEndpoint> payment_metrics;
  int followers = 0, readers = 0, buyers = 0, concurrency = 0;
  long long units = 0, per_buyer_limit = 0;
  double decline_share = 0;
  double read_rate = 0;  // reads/s over all readers; 0: as fast as they answer
  milliseconds start_delay{0}, receive_timeout{0}, read_tail{0}, ready_timeout{0}, grace{0};
  milliseconds request_timeout{0};
  int connect_concurrency = 0, io_threads = 0, follow_concurrency = 0;
  RehearsalLimits limits;
  unsigned seed = 0;
};

Options ParseOptions(int argc, char** argv) {
  config::Spec spec(
      kProgram,
      "A celebrity drop all at once: W followers on /v1/ws, R keep-alive connections reading "
      "GET /v1/drops/{id}, B buyers storming POST /v1/orders (fresh Idempotency-Keys) at the "
      "drop's scheduled start. Reports the drop_started delay from the scheduled start, read "
      "and order latency and throughput against the targets, then audits the drop. Exit 0 when "
      "every check passed (targets are reported, not checked), 1 when one failed, 2 for bad "
      "flags, 3 when the run could not be carried out.");
  spec.String("gateway", "Gateway base URL", "http://127.0.0.1:8080")
      .String("pg-url", "PostgreSQL URL of the platform (the audit)",
              "postgresql://livedrop@127.0.0.1:55432/livedrop")
      .String("payment-metrics",
              "Payment service metrics URL (provider captures); empty to skip that check",
              "http://127.0.0.1:9006/metrics")
      .Int("followers", "W: WebSocket connections of followers of the creator", 10000, 0, 1000000)
      .Int("readers", "R: keep-alive connections reading the drop page", 64, 0, 4096)
      .Int("buyers", "B: buyers, each placing one order at T0", 2000, 1, 1000000)
      .Int("concurrency", "Buyer connections (threads) sending the B orders", 64, 1, 4096)
      .Int("units", "Units in the drop", 500, 1, 1000000000)
      .Int("per-buyer-limit", "Per-buyer limit of the drop", 2, 1, 1000000)
      .String("decline-share", "Share of buyers paying with tok_chargeDeclined (0..1)", "0.1")
      .String("read-rate", "Reads per second over all readers; 0: each reads as fast as answered",
              "0")
      .Duration("start-delay",
                "The drop starts (T0) this long after it is created; readers read from creation",
                milliseconds(3000))
      .Duration("receive-timeout", "How long after T0 to wait for every drop_started",
                milliseconds(10000))
      .Duration("read-tail", "Readers go on this long after the storm and the deliveries end",
                milliseconds(1000))
      .Duration("ready-timeout", "How long opening all W connections may take",
                milliseconds(180000))
      .Duration("grace", "How long orders may take to settle before the audit", milliseconds(20000))
      .Duration("request-timeout", "Timeout of one HTTP request", milliseconds(30000))
      .Int("connect-concurrency", "WebSocket connections being opened at once", 100, 1, 100000)
      .Int("io-threads", "io_context threads of the WebSocket clients", 2, 1, 64)
      .Int("follow-concurrency", "Follow calls at once during set-up", 16, 1, 256)
      .Duration("target-notification-p99", "Target: drop_started p99", milliseconds(250))
      .Duration("target-read-p99", "Target: read p99", milliseconds(20))
      .Duration("target-order-p99", "Target: order p99", milliseconds(500))
      .Int("seed", "Random seed (declined cards, buyer order)", 1, 0, 4294967295LL);
  AddAccountFlags(spec,
                  "Followers and buyers are the first max(W, B) of "
                  "loadgen-<run-id>-buyer-<i>@loadgen.livedrop.test (shared with drop-storm and "
                  "fan-out), the creator loadgen-<run-id>-rehearsal-creator-0");
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
  o.followers = static_cast<int>(cfg.GetInt("followers"));
  o.readers = static_cast<int>(cfg.GetInt("readers"));
  o.buyers = static_cast<int>(cfg.GetInt("buyers"));
  o.concurrency = static_cast<int>(cfg.GetInt("concurrency"));
  o.units = cfg.GetInt("units");
  o.per_buyer_limit = cfg.GetInt("per-buyer-limit");
  if (auto share = ParseShare(cfg.GetString("decline-share"))) {
    o.decline_share = *share;
  } else {
    problems.push_back("--decline-share: must be a number from 0 to 1");
  }
  try {
    std::size_t used = 0;
    const auto text = cfg.GetString("read-rate");
    o.read_rate = std::stod(text, &used);
    if (used != text.size() || !(o.read_rate >= 0)) throw std::invalid_argument(text);
  } catch (const std::exception&) {
    problems.push_back("--read-rate: must be a number of reads per second, 0 or more");
  }
  o.start_delay = cfg.GetDuration("start-delay");
  o.receive_timeout = cfg.GetDuration("receive-timeout");
  o.read_tail = cfg.GetDuration("read-tail");
  o.ready_timeout = cfg.GetDuration("ready-timeout");
  o.grace = cfg.GetDuration("grace");
  o.request_timeout = cfg.GetDuration("request-timeout");
  if (o.start_delay < milliseconds(500)) {
    problems.push_back("--start-delay: at least 500ms (the buyers connect before T0)");
  }
  if (o.request_timeout.count() <= 0) problems.push_back("--request-timeout: must be positive");
  if (o.per_buyer_limit > o.units) {
    problems.push_back("--per-buyer-limit: at most --units (the drop refuses a larger limit)");
  }
  o.connect_concurrency = static_cast<int>(cfg.GetInt("connect-concurrency"));
  o.io_threads = static_cast<int>(cfg.GetInt("io-threads"));
  o.follow_concurrency = static_cast<int>(cfg.GetInt("follow-concurrency"));
  o.limits.notification_p99_ms =
      static_cast<double>(cfg.GetDuration("target-notification-p99").count());
  o.limits.read_p99_ms = static_cast<double>(cfg.GetDuration("target-read-p99").count());
  o.limits.order_p99_ms = static_cast<double>(cfg.GetDuration("target-order-p99").count());
  static_cast<AccountFlags&>(o) = ReadAccountFlags(cfg, problems);
  o.seed = static_cast<unsigned>(cfg.GetInt("seed"));
  ExitOnFlagProblems(kProgram, problems);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Readers: R keep-alive connections on GET /v1/drops/{id} until told to stop.

class Readers {
 public:
  Readers(const Options& o, const std::string& drop_id)
      : o_(o), target_(o.gateway.path + "/v1/drops/" + drop_id) {}

  void Start() {
    per_reader_.resize(static_cast<std::size_t>(o_.readers));
    // Each reader paces itself to its share of --read-rate.
    const auto gap = o_.read_rate > 0
                         ? std::chrono::duration_cast<SteadyClock::duration>(
                               std::chrono::duration<double>(o_.readers / o_.read_rate))
                         : SteadyClock::duration::zero();
    for (int r = 0; r < o_.readers; ++r) {
      threads_.emplace_back([this, r, gap] {
        auto& samples = per_reader_[static_cast<std::size_t>(r)];
        HttpConnection http(o_.gateway.host, o_.gateway.port, o_.request_timeout);
        // Spread the paced readers over one gap rather than all at once.
        auto next = SteadyClock::now() + gap * r / std::max(1, o_.readers);
        while (!stop_.load()) {
          if (gap.count() > 0) std::this_thread::sleep_until(next);
          const auto sent = SteadyClock::now();
          const auto a = http.Get(target_);
          samples.push_back({sent, a.ms, a.status});
          next += gap;
        }
      });
    }
  }
  std::vector<ReadSample> StopAndCollect() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    std::vector<ReadSample> all;
    for (auto& s : per_reader_) all.insert(all.end(), s.begin(), s.end());
    return all;
  }

 private:
  const Options& o_;
  const std::string target_;
  std::atomic<bool> stop_{false};
  std::vector<std::vector<ReadSample>> per_reader_;
  std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------
// Buyers: every buyer once, `concurrency` connections, all released at T0.

struct BuyerStats {
  std::map<Outcome, std::vector<double>> ms;
  std::vector<double> all_ms;
  std::map<int, long long> statuses;       // 0: no answer
  std::map<std::string, long long> other;  // code (or transport error) of "other" answers
  std::vector<std::string> confirmed_ids;
  long long attempts = 0, wanted_units = 0;
  SteadyClock::time_point last_answer{};

  void Merge(BuyerStats&& b) {
    for (auto& [k, v] : b.ms) ms[k].insert(ms[k].end(), v.begin(), v.end());
    all_ms.insert(all_ms.end(), b.all_ms.begin(), b.all_ms.end());
    for (auto& [k, v] : b.statuses) statuses[k] += v;
    for (auto& [k, v] : b.other) other[k] += v;
    confirmed_ids.insert(confirmed_ids.end(), b.confirmed_ids.begin(), b.confirmed_ids.end());
    attempts += b.attempts;
    wanted_units += b.wanted_units;
    last_answer = std::max(last_answer, b.last_answer);
  }
};

BuyerStats Storm(const Options& o, const std::string& drop_id, const std::vector<Account>& buyers,
                 SteadyClock::time_point t0) {
  std::vector<int> order(static_cast<std::size_t>(o.buyers));
  for (int i = 0; i < o.buyers; ++i) order[static_cast<std::size_t>(i)] = i;
  std::mt19937 shuffle_rng(o.seed);
  std::shuffle(order.begin(), order.end(), shuffle_rng);
  std::atomic<int> next{0};
  std::vector<BuyerStats> per_client(static_cast<std::size_t>(o.concurrency));
  std::vector<std::thread> threads;
  const std::string target = o.gateway.path + "/v1/orders";
  for (int c = 0; c < o.concurrency; ++c) {
    threads.emplace_back([&, c] {
      auto& stats = per_client[static_cast<std::size_t>(c)];
      HttpConnection http(o.gateway.host, o.gateway.port, o.request_timeout);
      http.Get(o.gateway.path + "/healthz");  // connected before T0
      std::mt19937_64 rng(o.seed * 7919ULL + static_cast<unsigned long long>(c) + 1);
      std::uniform_real_distribution<double> unit(0.0, 1.0);
      std::this_thread::sleep_until(t0);
      for (int i = next++; i < o.buyers; i = next++) {
        const auto& buyer = buyers[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
        const bool declined = unit(rng) < o.decline_share;
        if (!declined) ++stats.wanted_units;
        const auto answer = http.Request("POST", target, OrderRequestBody(drop_id, 1, declined),
                                         {{"Content-Type", "application/json"},
                                          {"Authorization", "Bearer " + buyer.access_token},
                                          {"Idempotency-Key", "lg-" + NewUuid()}});
        stats.last_answer = SteadyClock::now();
        ++stats.attempts;
        const auto cl = ClassifyOrderAnswer(answer.status, answer.body);
        stats.ms[cl.outcome].push_back(answer.ms);
        stats.all_ms.push_back(answer.ms);
        ++stats.statuses[answer.status];
        if (cl.outcome == Outcome::kConfirmed) {
          stats.confirmed_ids.push_back(cl.order_id);
        } else if (cl.outcome == Outcome::kOther) {
          ++stats.other[OtherAnswerKey(answer.status, cl.code, answer.error)];
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  BuyerStats total;
  for (auto& s : per_client) total.Merge(std::move(s));
  return total;
}

// ---------------------------------------------------------------------------------------------
// Report helpers

void LatencyHeader(std::ostream& out, const std::string& first) {
  out << std::left << std::setw(34) << first << std::right << std::setw(8) << "count"
      << std::setw(10) << "p50 ms" << std::setw(10) << "p95 ms" << std::setw(10) << "p99 ms"
      << std::setw(10) << "max ms" << std::setw(12) << "per s"
      << "\n";
}

void LatencyRow(std::ostream& out, const std::string& name, const LatencySummary& s,
                std::optional<double> per_s = std::nullopt) {
  out << std::left << std::setw(34) << name << std::right << std::setw(8) << s.count
      << std::setw(10) << Fixed(s.p50, 2) << std::setw(10) << Fixed(s.p95, 2) << std::setw(10)
      << Fixed(s.p99, 2) << std::setw(10) << Fixed(s.max, 2) << std::setw(12)
      << (per_s ? Fixed(*per_s, 0) : "") << "\n";
}

json::object WindowJson(const ReadWindow& w) {
  return json::object{{"latency", SummaryJson(w.latency)},
                      {"reads", w.reads},
                      {"errors", w.errors},
                      {"seconds", w.seconds},
                      {"per_s", w.PerSecond()}};
}

}  // namespace

int RunRehearsal(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::ostream& out = o.json_only ? std::cerr : std::cout;
  json::object result{{"scenario", "rehearsal"}};
  return RunScenario(kProgram, out, result, [&] {
    EnsureDescriptors(static_cast<long long>(o.followers) + o.readers + o.concurrency);
    RequireGateway(o.gateway);
    out << "rehearsal: W = " << o.followers << " followers, R = " << o.readers << " readers ("
        << (o.read_rate > 0 ? Fixed(o.read_rate, 0) + " reads/s" : std::string("unpaced"))
        << "), B = " << o.buyers << " buyers on " << o.concurrency << " connections, " << o.units
        << " units, limit " << o.per_buyer_limit << ", " << Fixed(o.decline_share * 100, 0)
        << "% declined cards\n";

    // Accounts, valid for the whole run.
    const int users_needed = std::max(o.followers, o.buyers);
    const auto validity = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::minutes(5) + o.ready_timeout + o.start_delay + o.receive_timeout + o.grace);
    const std::string prefix = "loadgen-" + o.run_id;
    const auto creator = EnsureAccounts(o.gateway, prefix + "-rehearsal-creator", "creator", 1, 1,
                                        o.token_cache, validity)
                             .front();
    const auto reg_start = SteadyClock::now();
    const auto users = EnsureAccounts(o.gateway, prefix + "-buyer", "buyer", users_needed,
                                      o.register_concurrency, o.token_cache, validity);
    const double reg_s = std::chrono::duration<double>(SteadyClock::now() - reg_start).count();
    out << "accounts: " << users_needed << " users ready in " << Fixed(reg_s, 1) << " s\n";
    const auto follow_start = SteadyClock::now();
    ParallelFor(o.gateway, o.followers, o.follow_concurrency, [&](GatewayApi& api, int i) {
      api.Follow(users[static_cast<std::size_t>(i)].access_token, creator.user_id);
    });
    out << "follows: " << o.followers << " in "
        << Fixed(std::chrono::duration<double>(SteadyClock::now() - follow_start).count(), 1)
        << " s\n";
    result["accounts_seconds"] = reg_s;

    // W followers connected.
    WsFleet fleet({o.gateway.host, o.gateway.port, o.gateway.path + "/v1/ws", o.io_threads});
    std::vector<std::string> tokens;
    for (int i = 0; i < o.followers; ++i) {
      tokens.push_back(users[static_cast<std::size_t>(i)].access_token);
    }
    const auto open_start = SteadyClock::now();
    if (o.followers > 0) {
      fleet.Open(tokens, o.connect_concurrency, &IsReadyFrame, o.ready_timeout);
    }
    const double open_s = std::chrono::duration<double>(SteadyClock::now() - open_start).count();
    out << "websockets: " << fleet.ReadyCount() << " of " << o.followers << " ready in "
        << Fixed(open_s, 2) << " s, " << fleet.FailedCount() << " failed\n";

    // The drop; readers start at once (the page is read while people wait for T0).
    GatewayApi api(o.gateway);
    const auto product =
        api.CreateProduct(creator.access_token, "Loadgen rehearsal tee", 2500, "EUR");
    const auto starts =
        Now() + std::chrono::duration_cast<std::chrono::microseconds>(o.start_delay);
    const auto scheduled = ParseRfc3339(FormatRfc3339(starts)).value_or(starts);
    const auto ends = scheduled + std::chrono::minutes(15);
    const auto drop_id = api.CreateDrop(creator.access_token, product, FormatRfc3339(scheduled),
                                        FormatRfc3339(ends), o.units, o.per_buyer_limit);
    // T0 on the steady clock, for the buyers' release and the read windows.
    const auto t0 =
        SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(scheduled - Now());
    if (o.followers > 0) fleet.Watch({drop_id, "drop_started"});
    out << "drop " << drop_id << " starts " << FormatRfc3339(scheduled) << "\n" << std::flush;
    result["drop_id"] = drop_id;
    Readers readers(o, drop_id);
    const auto cpu_at_reads = ReadCpuCounters();
    const auto reads_started = SteadyClock::now();
    readers.Start();
    const auto captures_before = ScrapeCaptures(o.payment_metrics);
    // The machine's CPU at T0, read beside the storm: the readers' share before, everything's
    // after.
    CpuCounters cpu_at_t0;
    std::jthread t0_reading([&] {  // joined below, or on the way out if the storm throws
      std::this_thread::sleep_until(t0);
      cpu_at_t0 = ReadCpuCounters();
    });

    // T0: the storm (blocks until every buyer has an answer), the deliveries meanwhile.
    auto storm = Storm(o, drop_id, users, t0);
    const auto storm_end = storm.last_answer;
    const auto cpu_at_storm_end = ReadCpuCounters();
    t0_reading.join();
    const auto deadline =
        scheduled + std::chrono::duration_cast<std::chrono::microseconds>(o.receive_timeout);
    while (o.followers > 0 && Now() < deadline && fleet.MatchedCount() < fleet.ReadyCount()) {
      std::this_thread::sleep_for(milliseconds(5));
    }
    std::this_thread::sleep_for(o.read_tail);
    const auto read_samples = readers.StopAndCollect();
    fleet.CloseAll(milliseconds(5000));
    const auto tally = TallyFleet(fleet.TakeStates(), std::vector<bool>(tokens.size(), true));
    const auto deliveries = AnalyzeDeliveries(tally.logs, drop_id, creator.user_id, scheduled);

    // The audit.
    StormFacts facts;
    facts.drop_id = drop_id;
    facts.units = o.units;
    facts.per_buyer_limit = o.per_buyer_limit;
    facts.demand_exceeds_supply = storm.wanted_units > o.units;  // one unit per buyer
    facts.attempts = storm.attempts;
    facts.confirmed_order_ids = {storm.confirmed_ids.begin(), storm.confirmed_ids.end()};
    for (int i = 0; i < o.buyers; ++i) {
      facts.buyer_ids.push_back(users[static_cast<std::size_t>(i)].user_id);
    }
    facts.captures_before = captures_before;
    if (captures_before) {
      facts.read_captures_after = [&] { return ScrapeCaptures(o.payment_metrics); };
    }
    DropLedger ledger;
    auto checks = VerifyDrop(o.pg_url, facts, o.grace, ledger);
    bool audit_clean =
        std::all_of(checks.begin(), checks.end(), [](const Check& c) { return c.ok; });
    checks.push_back({"every follower received drop_started", deliveries.missing == 0,
                      std::to_string(deliveries.missing) + " of " +
                          std::to_string(deliveries.followers) + " missing"});
    checks.push_back({"no duplicate drop_started", deliveries.duplicates == 0,
                      std::to_string(deliveries.duplicates) + " duplicates"});
    checks.push_back({"every WebSocket opened and stayed open", tally.failed == 0,
                      std::to_string(tally.failed) + " failed or closed"});

    // Figures.
    const auto reads = SummarizeReads(read_samples, t0, storm_end);
    const auto notification = Summarize(deliveries.delays_ms);
    const auto orders_all = Summarize(storm.all_ms);
    const double storm_s = std::chrono::duration<double>(storm_end - t0).count();
    RehearsalFigures figures{notification,      deliveries.followers, deliveries.delivered,
                             reads.all.latency, orders_all,           audit_clean};
    const auto targets = RehearsalTargets(figures, o.limits);

    out << "\n";
    LatencyHeader(out, "path");
    LatencyRow(out, "T0 -> drop_started", notification);
    LatencyRow(out, "read, before T0", reads.before_start.latency, reads.before_start.PerSecond());
    LatencyRow(out, "read, during the storm", reads.during_storm.latency,
               reads.during_storm.PerSecond());
    LatencyRow(out, "read, after the storm", reads.after_storm.latency,
               reads.after_storm.PerSecond());
    LatencyRow(out, "read, all", reads.all.latency, reads.all.PerSecond());
    json::object outcomes_json;
    for (const auto outcome : kAllOutcomes) {
      const auto it = storm.ms.find(outcome);
      const auto s = Summarize(it == storm.ms.end() ? std::vector<double>{} : it->second);
      LatencyRow(out, "order " + std::string(OutcomeName(outcome)), s,
                 storm_s > 0 ? std::optional<double>(s.count / storm_s) : std::nullopt);
      outcomes_json[OutcomeName(outcome)] = SummaryJson(s);
    }
    LatencyRow(out, "order, every outcome", orders_all,
               storm_s > 0 ? std::optional<double>(storm.attempts / storm_s) : std::nullopt);
    out << "drop_started: " << deliveries.delivered << " of " << deliveries.followers
        << " followers, " << deliveries.duplicates << " duplicates; reads: " << reads.all.reads
        << " sent, " << reads.all.errors << " not 200; storm: T0 -> last answer "
        << Fixed(storm_s, 2) << " s\n";
    const double reads_s = std::chrono::duration<double>(t0 - reads_started).count();
    json::object cpu_json{
        {"before_start", ReportCpuCost(CpuDelta(cpu_at_reads, cpu_at_t0), reads_s,
                                       reads.before_start.reads, "read (before T0)", out)},
        {"storm", ReportCpuCost(CpuDelta(cpu_at_t0, cpu_at_storm_end), storm_s, storm.attempts,
                                "order (T0 -> last answer, everything at once)", out)}};
    result["cpu_cost"] = cpu_json;
    out << "HTTP status of orders:";
    json::object statuses_json;
    for (const auto& [status, n] : storm.statuses) {
      out << "  " << (status == 0 ? "no-answer" : std::to_string(status)) << " x" << n;
      statuses_json[status == 0 ? "none" : std::to_string(status)] = n;
    }
    out << "\n";
    json::object other_json;
    for (const auto& [code, n] : storm.other) {
      out << "  other: " << code << " x" << n << "\n";
      other_json[code] = n;
    }
    for (const auto& [why, n] : tally.failures) out << "  websocket: " << n << " x " << why << "\n";
    out << "database: " << ledger.confirmed_units << " units in " << ledger.confirmed_orders
        << " confirmed orders, " << ledger.failed << " failed, " << ledger.orders
        << " orders in all; stock " << ledger.available << " available / " << ledger.reserved
        << " reserved / " << ledger.sold << " sold; settled in " << Fixed(ledger.settle_seconds, 2)
        << " s\n";

    out << "\ntargets:\n";
    json::array targets_json;
    for (const auto& t : targets) {
      const std::string value = t.value ? Fixed(*t.value, t.unit == "ms" ? 1 : 0) : "n/a";
      out << "  " << (t.Met() ? "met   " : "MISSED") << " " << t.name << ": " << value << " "
          << t.unit << (t.at_least ? " (at least " : " (limit ") << Fixed(t.limit, 0) << ")\n";
      targets_json.push_back(json::object{{"name", t.name},
                                          {"value", OptionalNumber(t.value)},
                                          {"limit", t.limit},
                                          {"met", t.Met()}});
    }
    out << "\n";
    json::array checks_json;
    const bool pass = ReportChecks(checks, out, checks_json);
    out << (pass ? "\nPASS" : "\nFAIL") << "\n";

    result["config"] = json::object{{"followers", o.followers},
                                    {"readers", o.readers},
                                    {"read_rate", o.read_rate},
                                    {"buyers", o.buyers},
                                    {"concurrency", o.concurrency},
                                    {"units", o.units},
                                    {"per_buyer_limit", o.per_buyer_limit},
                                    {"decline_share", o.decline_share}};
    result["starts_at"] = FormatRfc3339(scheduled);
    result["notification"] = SummaryJson(notification);
    result["received"] = deliveries.delivered;
    result["websockets_ready"] = fleet.ReadyCount();
    result["reads"] = json::object{{"before_start", WindowJson(reads.before_start)},
                                   {"during_storm", WindowJson(reads.during_storm)},
                                   {"after_storm", WindowJson(reads.after_storm)},
                                   {"all", WindowJson(reads.all)}};
    result["orders"] = json::object{{"all", SummaryJson(orders_all)},
                                    {"by_outcome", outcomes_json},
                                    {"statuses", statuses_json},
                                    {"other", other_json},
                                    {"storm_seconds", storm_s}};
    result["confirmed_units"] = ledger.confirmed_units;
    result["targets"] = targets_json;
    result["checks"] = checks_json;
    return pass;
  });
}

}  // namespace livedrop::loadgen
