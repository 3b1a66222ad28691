// soak: a steady modest mix of reads, follows, orders and a few follower WebSockets for a long
// time, with idle gaps longer than every keepalive and pool timeout and optional dependency
// faults (through `./scripts/livedrop fault`). Checks: no failed request outside the fault
// windows, every order terminal and none charged twice, every connected follower notified,
// every process's resident memory flat after the warm-up.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "gateway_api.h"
#include "http_connection.h"
#include "livedrop/config/config.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "order_outcome.h"
#include "report.h"
#include "run_plan.h"
#include "scenario_flags.h"
#include "scenarios.h"
#include "soak_logic.h"
#include "storm_checks.h"
#include "ws_client.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kProgram = "livedrop-loadgen soak";
constexpr const char* kRssMetric = "process_resident_memory_bytes";
constexpr const char* kDefaultMetrics =
    "auth=http://127.0.0.1:9001/metrics,followers=http://127.0.0.1:9002/metrics,"
    "drops=http://127.0.0.1:9003/metrics,inventory=http://127.0.0.1:9004/metrics,"
    "orders=http://127.0.0.1:9005/metrics,payment=http://127.0.0.1:9006/metrics,"
    "notifications=http://127.0.0.1:9007/metrics,gateway=http://127.0.0.1:9080/metrics";
// A drop starts this long after it is created, and is replaced this long before it ends.
constexpr milliseconds kDropStartDelay{3000};
constexpr milliseconds kDropReplaceBefore{30000};

struct Options : AccountFlags {
  HttpEndpoint gateway;
  std::string pg_url;
  std::optional<HttpEndpoint> payment_metrics;
  std::vector<std::pair<std::string, HttpEndpoint>> metrics;
  SoakPlanInput plan_input;
  std::vector<std::string> fault_command;
  double rate = 0, decline_share = 0, read_share = 0, follow_share = 0;
  int clients = 0, buyers = 0, creators = 0, ws_followers = 0;
  long long drop_units = 0;
  milliseconds drop_length{0}, order_retry_budget{0}, request_timeout{0}, grace{0};
  double max_memory_growth = 0;
  unsigned seed = 0;
};

Options ParseOptions(int argc, char** argv) {
  config::Spec spec(
      kProgram,
      "A steady modest mix of reads (drops, products, creators), follows/unfollows, orders "
      "(Idempotency-Key, sent again with the same key on 5xx/429/no answer after Retry-After) "
      "and follower WebSockets against a running `./scripts/livedrop up`, with idle gaps of "
      "complete silence and optional faults run through `livedrop fault`. New drops are created "
      "as drops sell out or end. Checks: no failed request outside the fault windows (a fault's "
      "start to its end plus --fault-grace), every order terminal, no double charge, every "
      "connected follower notified of its creators' drops, and resident memory at the end within "
      "--max-memory-growth of the after-warm-up sample for every process. Exit 0 when every "
      "check passed, 1 when one failed, 2 for bad flags, 3 when the run could not be carried out.");
  spec.String("gateway", "Gateway base URL", "http://127.0.0.1:8080")
      .String("pg-url", "PostgreSQL URL of the platform (the audit of the orders)",
              "postgresql://livedrop@127.0.0.1:55432/livedrop")
      .String("payment-metrics",
              "Payment service metrics URL (provider captures vs succeeded payments); empty: skip",
              "http://127.0.0.1:9006/metrics")
      .String("metrics",
              "name=URL,... of every process whose process_resident_memory_bytes is sampled "
              "(default: the services' admin ports 9001-9007 and the gateway, as `up` prints them)",
              kDefaultMetrics)
      .Duration("duration", "How long the traffic runs (idle gaps included)",
                milliseconds(30 * 60 * 1000))
      .Duration("warmup",
                "Steady traffic before the after-warm-up memory sample, with no gap or fault "
                "(0: a sixth of --duration, at most 2m)",
                milliseconds(0))
      .Duration("idle-gap",
                "Length of each idle gap of complete silence (0: none); longer than every "
                "keepalive and pool timeout",
                milliseconds(6 * 60 * 1000))
      .Int("idle-gaps", "How many idle gaps (-1: as many as fit, each with its length of traffic)",
           -1, -1, 1000)
      .String("faults", "Faults to inject: pg-restart,redis-restart,broker-pause (empty: none)", "")
      .String("fault-at",
              "When, as offsets from the start (5m,12m,20m), one per fault; empty: spread evenly "
              "over the traffic after the warm-up, away from the idle gaps",
              "")
      .Duration("fault-grace",
                "Recovery allowed after a fault ends: requests overlapping [fault start, fault "
                "end + grace] are inside its window",
                milliseconds(20000))
      .Duration("broker-pause", "How long broker-pause keeps the dev Kafka broker stopped",
                milliseconds(30000))
      .String("fault-command", "Command that injects a fault, given <fault> [seconds]",
              "./scripts/livedrop fault")
      .String("rate", "Operations per second, all clients together", "8")
      .Int("clients", "Client threads, one keep-alive connection each", 4, 1, 256)
      .String("read-share", "Share of operations that are reads (0..1)", "0.55")
      .String("follow-share", "Share that are follows/unfollows (0..1); the rest are orders",
              "0.15")
      .String("decline-share", "Share of orders paying with tok_chargeDeclined (0..1)", "0.05")
      .Int("buyers", "Buyer accounts (the first --ws-followers hold the WebSockets)", 20, 1, 10000)
      .Int("creators", "Creator accounts, each with one drop on sale at a time", 2, 1, 100)
      .Int("ws-followers", "Follower WebSockets open for the whole run", 6, 0, 10000)
      .Int("drop-units", "Units in each drop", 200, 1, 1000000000)
      .Duration("drop-length", "How long each drop is on sale", milliseconds(4 * 60 * 1000))
      .Duration("order-retry-budget",
                "How long a careful client keeps sending an order again with the same key",
                milliseconds(120000))
      .Duration("request-timeout", "Timeout of one HTTP request", milliseconds(15000))
      .Duration("grace", "How long orders may take to end after the traffic, before the audit",
                milliseconds(60000))
      .String("max-memory-growth",
              "Fail when a process's resident memory at the end exceeds its after-warm-up sample "
              "by more than this share",
              "0.10")
      .Int("seed", "Random seed (operation mix, tokens)", 1, 0, 4294967295LL);
  AddAccountFlags(spec,
                  "Accounts are loadgen-<run-id>-soak-{buyer,creator}-<i>@loadgen.livedrop.test");
  const auto cfg = config::ParseOrExit(spec, argc, argv);

  Options o;
  std::vector<std::string> problems;
  const auto url = [&](const std::string& key, const std::string& text) {
    auto e = ParseHttpUrl(text);
    if (!e) problems.push_back("--" + key + ": not an http://host:port URL: " + text);
    return e.value_or(HttpEndpoint{});
  };
  o.gateway = url("gateway", cfg.GetString("gateway"));
  if (!cfg.GetString("payment-metrics").empty()) {
    o.payment_metrics = url("payment-metrics", cfg.GetString("payment-metrics"));
  }
  if (auto named = ParseNamedUrls(cfg.GetString("metrics"))) {
    for (const auto& [name, u] : *named) o.metrics.emplace_back(name, url("metrics", u));
  } else {
    problems.push_back("--metrics: name=URL items separated by commas");
  }
  o.pg_url = cfg.GetString("pg-url");
  auto& p = o.plan_input;
  p.duration = cfg.GetDuration("duration");
  p.warmup = cfg.GetDuration("warmup");
  if (p.warmup.count() == 0)
    p.warmup = std::min<milliseconds>(p.duration / 6, std::chrono::minutes(2));
  p.idle_gap = cfg.GetDuration("idle-gap");
  p.idle_gaps = static_cast<int>(cfg.GetInt("idle-gaps"));
  if (auto faults = ParseFaults(cfg.GetString("faults"))) {
    p.faults = *faults;
  } else {
    problems.push_back("--faults: a list of pg-restart, redis-restart, broker-pause");
  }
  if (auto at = ParseOffsets(cfg.GetString("fault-at"))) {
    p.fault_at = *at;
  } else {
    problems.push_back("--fault-at: durations such as 5m,12m,20m");
  }
  p.fault_grace = cfg.GetDuration("fault-grace");
  p.broker_pause = cfg.GetDuration("broker-pause");
  if (p.broker_pause.count() < 1000) problems.push_back("--broker-pause: at least 1s");
  std::istringstream words(cfg.GetString("fault-command"));
  for (std::string w; words >> w;) o.fault_command.push_back(w);
  if (o.fault_command.empty() && !p.faults.empty()) {
    problems.push_back("--fault-command: empty, but --faults asks for faults");
  }
  const auto share = [&](const std::string& key) { return ReadShare(cfg, key, problems); };
  const auto positive = [&](const std::string& key) {
    const std::string text = cfg.GetString(key);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(v > 0)) {
      problems.push_back("--" + key + ": must be a positive number");
      return 0.0;
    }
    return v;
  };
  o.rate = positive("rate");
  o.read_share = share("read-share");
  o.follow_share = share("follow-share");
  if (o.read_share + o.follow_share > 1) {
    problems.push_back("--read-share + --follow-share: at most 1");
  }
  o.decline_share = share("decline-share");
  o.max_memory_growth = positive("max-memory-growth");
  o.clients = static_cast<int>(cfg.GetInt("clients"));
  o.buyers = static_cast<int>(cfg.GetInt("buyers"));
  o.creators = static_cast<int>(cfg.GetInt("creators"));
  o.ws_followers = static_cast<int>(cfg.GetInt("ws-followers"));
  if (o.ws_followers > o.buyers) problems.push_back("--ws-followers: at most --buyers");
  o.drop_units = cfg.GetInt("drop-units");
  o.drop_length = cfg.GetDuration("drop-length");
  if (o.drop_length < 2 * kDropReplaceBefore) problems.push_back("--drop-length: at least 1m");
  o.order_retry_budget = cfg.GetDuration("order-retry-budget");
  o.request_timeout = cfg.GetDuration("request-timeout");
  if (o.request_timeout.count() <= 0) problems.push_back("--request-timeout: must be positive");
  o.grace = cfg.GetDuration("grace");
  static_cast<AccountFlags&>(o) = ReadAccountFlags(cfg, problems);
  o.seed = static_cast<unsigned>(cfg.GetInt("seed"));
  ExitOnFlagProblems(kProgram, problems);
  return o;
}

// ---------------------------------------------------------------------------------------------
// What the run saw

struct Record {
  SoakOp op = SoakOp::kRead;
  milliseconds start{0}, end{0};  // from the start of the traffic
  int status = 0;
  std::string what;  // route and problem code or transport error, for examples
};

// The drops of the run and the orders sent for each.
class DropBook {
 public:
  struct Live {
    std::string drop_id, creator_id;
    SteadyClock::time_point starts, ends;
    bool closed = false;  // sold out or not live any more: replaced at the next look
  };
  struct Orders {
    long long keys = 0;
    std::set<std::string> confirmed;
  };

  explicit DropBook(int creators) : current_(static_cast<std::size_t>(creators)) {}

  // Whether creator c needs a new drop now.
  bool NeedsDrop(int c, SteadyClock::time_point now) {
    std::lock_guard lock(mu_);
    const auto& d = current_[static_cast<std::size_t>(c)];
    return !d || d->closed || now + kDropReplaceBefore >= d->ends;
  }
  void Add(int c, Live live, TimePoint starts_at) {
    std::lock_guard lock(mu_);
    all_.push_back({live.drop_id, live.creator_id, starts_at});
    orders_[live.drop_id];
    current_[static_cast<std::size_t>(c)] = std::move(live);
  }
  // A drop on sale now, at random; nullopt when none has started.
  std::optional<Live> PickLive(std::mt19937_64& rng) {
    std::lock_guard lock(mu_);
    std::vector<const Live*> live;
    const auto now = SteadyClock::now();
    for (const auto& d : current_) {
      if (d && !d->closed && d->starts <= now && now < d->ends) live.push_back(&*d);
    }
    if (live.empty()) return std::nullopt;
    return *live[std::uniform_int_distribution<std::size_t>(0, live.size() - 1)(rng)];
  }
  // Any drop of the run (for reads), or "" before the first.
  std::string PickAny(std::mt19937_64& rng) {
    std::lock_guard lock(mu_);
    if (all_.empty()) return "";
    return all_[std::uniform_int_distribution<std::size_t>(0, all_.size() - 1)(rng)].drop_id;
  }
  void NoteKey(const std::string& drop) {
    std::lock_guard lock(mu_);
    ++orders_[drop].keys;
  }
  void NoteConfirmed(const std::string& drop, const std::string& order) {
    std::lock_guard lock(mu_);
    orders_[drop].confirmed.insert(order);
  }
  void Close(const std::string& drop) {
    std::lock_guard lock(mu_);
    for (auto& d : current_) {
      if (d && d->drop_id == drop) d->closed = true;
    }
  }
  std::vector<SoakDrop> All() {
    std::lock_guard lock(mu_);
    return all_;
  }
  std::map<std::string, Orders> AllOrders() {
    std::lock_guard lock(mu_);
    return orders_;
  }

 private:
  std::mutex mu_;
  std::vector<std::optional<Live>> current_;
  std::vector<SoakDrop> all_;
  std::map<std::string, Orders> orders_;
};

struct OrderTally {
  long long placed = 0, confirmed = 0, declined = 0, sold_out = 0, other_refusals = 0, given_up = 0,
            retried = 0;
  void Merge(const OrderTally& o) {
    placed += o.placed;
    confirmed += o.confirmed;
    declined += o.declined;
    sold_out += o.sold_out;
    other_refusals += o.other_refusals;
    given_up += o.given_up;
    retried += o.retried;
  }
};

struct FaultRun {
  ScheduledFault planned;
  milliseconds start{0}, end{0};
  int exit_code = -1;
};

// Shared by every thread of the run.
struct Soak {
  const Options& options;
  SoakPlan plan;
  std::vector<Account> creators, buyers;
  DropBook book;
  SteadyClock::time_point start;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<Record> records;
  OrderTally orders;

  Soak(const Options& o, SoakPlan p, std::vector<Account> c, std::vector<Account> b)
      : options(o),
        plan(std::move(p)),
        creators(std::move(c)),
        buyers(std::move(b)),
        book(static_cast<int>(creators.size())) {}

  milliseconds Since() const {
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  }
  bool Over() const { return stop || Since() >= options.plan_input.duration; }
  // Sleeps until `t` (from the start), or until the run is over.
  void SleepUntil(milliseconds t) const {
    while (!Over() && Since() < t) {
      std::this_thread::sleep_for(std::min<milliseconds>(t - Since(), milliseconds(200)));
    }
  }
  // Waits out an idle gap, if one is on: complete silence, retries included.
  void WaitOutIdleGap() const {
    for (const auto& g : plan.idle_gaps) {
      if (Since() >= g.start && Since() < g.end) SleepUntil(g.end);
    }
  }
};

// One client's requests, recorded with their times.
class Client {
 public:
  Client(Soak& soak, std::vector<Record>& records)
      : soak_(soak),
        records_(records),
        http_(soak.options.gateway.host, soak.options.gateway.port, soak.options.request_timeout) {}

  HttpAnswer Send(SoakOp op, const std::string& method, const std::string& route,
                  const std::string& body, const std::string& bearer,
                  const std::string& idempotency_key = "") {
    Headers headers;
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    const auto start = soak_.Since();
    auto a = http_.Request(method, soak_.options.gateway.path + route, body, headers);
    const auto code = a.status == 0 ? a.error : ProblemCode(a.body);
    records_.push_back({op, start, soak_.Since(), a.status,
                        method + " " + RouteShape(route) + (code.empty() ? "" : " " + code)});
    return a;
  }

 private:
  // "/v1/drops/<uuid>" → "/v1/drops/{id}": examples group by route, not by id.
  static std::string RouteShape(const std::string& route) {
    std::string out;
    std::size_t i = 0;
    while (i < route.size()) {
      const auto slash = route.find('/', i + 1);
      const auto part = route.substr(i, slash == std::string::npos ? std::string::npos : slash - i);
      out += part.size() > 30 ? "/{id}" : part;
      if (slash == std::string::npos) break;
      i = slash;
    }
    return out;
  }

  Soak& soak_;
  std::vector<Record>& records_;
  HttpConnection http_;
};

void PlaceOrder(Soak& soak, Client& client, std::mt19937_64& rng, OrderTally& tally) {
  std::uniform_real_distribution<double> unit(0, 1);
  const auto drop = soak.book.PickLive(rng);
  if (!drop) return;
  const auto& buyer =
      soak.buyers[std::uniform_int_distribution<std::size_t>(0, soak.buyers.size() - 1)(rng)];
  const bool declined = unit(rng) < soak.options.decline_share;
  const std::string body = json::serialize(
      json::object{{"drop_id", drop->drop_id},
                   {"quantity", 1},
                   {"payment_token", declined ? "tok_chargeDeclined" : "tok_visa"}});
  const std::string key = "soak-" + NewUuid();
  soak.book.NoteKey(drop->drop_id);
  ++tally.placed;
  const auto first = soak.Since();
  for (int attempt = 0;; ++attempt) {
    const auto a = client.Send(SoakOp::kOrder, "POST", "/v1/orders", body, buyer.access_token, key);
    const auto c = ClassifyOrderAnswer(a.status, a.body);
    const bool again = a.status == 0 || a.status >= 500 || a.status == 429 ||
                       a.status == 202;  // pending: the same request answers it as it then stands
    if (!again) {
      if (c.outcome == Outcome::kConfirmed) {
        ++tally.confirmed;
        soak.book.NoteConfirmed(drop->drop_id, c.order_id);
      } else if (c.outcome == Outcome::kPaymentDeclined) {
        ++tally.declined;
      } else if (c.outcome == Outcome::kSoldOut) {
        ++tally.sold_out;
        soak.book.Close(drop->drop_id);
      } else {
        ++tally.other_refusals;
        if (c.code == "drop_not_live") soak.book.Close(drop->drop_id);
      }
      return;
    }
    if (soak.Since() - first >= soak.options.order_retry_budget || soak.stop) {
      ++tally.given_up;
      return;
    }
    ++tally.retried;
    std::this_thread::sleep_for(RetryDelay(a.retry_after, attempt));
    soak.WaitOutIdleGap();
  }
}

void Read(Soak& soak, Client& client, std::mt19937_64& rng) {
  const auto& creator =
      soak.creators[std::uniform_int_distribution<std::size_t>(0, soak.creators.size() - 1)(rng)];
  const auto drop = soak.book.PickAny(rng);
  switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
    case 0:
      if (!drop.empty()) {
        client.Send(SoakOp::kRead, "GET", "/v1/drops/" + drop, "", "");
        break;
      }
      [[fallthrough]];
    case 1:
      client.Send(SoakOp::kRead, "GET", "/v1/creators/" + creator.user_id, "", "");
      break;
    default: {
      // The product of a drop: read the drop first when one is known (that is a read too).
      if (drop.empty()) {
        client.Send(SoakOp::kRead, "GET", "/v1/me", "", creator.access_token);
        break;
      }
      const auto a = client.Send(SoakOp::kRead, "GET", "/v1/drops/" + drop, "", "");
      boost::system::error_code ec;
      const auto v = json::parse(a.body, ec);
      if (!ec && v.is_object()) {
        if (const auto* p = v.as_object().if_contains("product_id"); p && p->is_string()) {
          client.Send(SoakOp::kRead, "GET", "/v1/products/" + std::string(p->as_string()), "", "");
        }
      }
    }
  }
}

// Follows and unfollows come from the buyers without a WebSocket, so the followers' expected
// notifications stay fixed.
void Churn(Soak& soak, Client& client, std::mt19937_64& rng) {
  const int first = soak.options.ws_followers;
  if (first >= static_cast<int>(soak.buyers.size())) return;
  const auto& buyer = soak.buyers[static_cast<std::size_t>(
      std::uniform_int_distribution<int>(first, static_cast<int>(soak.buyers.size()) - 1)(rng))];
  const auto& creator =
      soak.creators[std::uniform_int_distribution<std::size_t>(0, soak.creators.size() - 1)(rng)];
  if (std::uniform_int_distribution<int>(0, 1)(rng) == 0) {
    client.Send(SoakOp::kFollow, "PUT", "/v1/me/following/" + creator.user_id, "",
                buyer.access_token);
  } else {
    client.Send(SoakOp::kUnfollow, "DELETE", "/v1/me/following/" + creator.user_id, "",
                buyer.access_token);
  }
}

void RunClient(Soak& soak, int index) {
  std::vector<Record> records;
  OrderTally tally;
  Client client(soak, records);
  std::mt19937_64 rng(soak.options.seed * 7919ULL + static_cast<unsigned long long>(index) + 1);
  std::uniform_real_distribution<double> unit(0, 1);
  const auto interval =
      milliseconds(static_cast<long long>(1000.0 * soak.options.clients / soak.options.rate));
  // Clients start spread over one interval, not all at once.
  auto next = interval * index / soak.options.clients;
  while (!soak.Over()) {
    soak.SleepUntil(next);
    if (soak.Over()) break;
    if (InIdleGap(soak.plan, soak.Since())) {
      soak.WaitOutIdleGap();
      next = soak.Since();
      continue;
    }
    next = std::max(next + interval, soak.Since());
    const double u = unit(rng);
    if (u < soak.options.read_share) {
      Read(soak, client, rng);
    } else if (u < soak.options.read_share + soak.options.follow_share) {
      Churn(soak, client, rng);
    } else {
      PlaceOrder(soak, client, rng, tally);
    }
  }
  std::lock_guard lock(soak.mu);
  soak.records.insert(soak.records.end(), records.begin(), records.end());
  soak.orders.Merge(tally);
}

// Creates a drop for creator c: a product, then the drop, starting kDropStartDelay later.
bool CreateDrop(Soak& soak, Client& client, int c) {
  const auto& creator = soak.creators[static_cast<std::size_t>(c)];
  const auto product =
      client.Send(SoakOp::kCreate, "POST", "/v1/products",
                  json::serialize(json::object{
                      {"title", "Loadgen soak tee"}, {"unit_amount", 2500}, {"currency", "EUR"}}),
                  creator.access_token);
  if (product.status != 201) return false;
  const auto product_id = ParseOrder(product.body).id;
  const auto created = SteadyClock::now();
  const auto starts =
      Now() + std::chrono::duration_cast<std::chrono::microseconds>(kDropStartDelay);
  const auto starts_at = ParseRfc3339(FormatRfc3339(starts)).value_or(starts);
  const auto ends_at =
      starts_at + std::chrono::duration_cast<std::chrono::microseconds>(soak.options.drop_length);
  const auto drop =
      client.Send(SoakOp::kCreate, "POST", "/v1/drops",
                  json::serialize(json::object{{"product_id", product_id},
                                               {"starts_at", FormatRfc3339(starts_at)},
                                               {"ends_at", FormatRfc3339(ends_at)},
                                               {"quantity", soak.options.drop_units},
                                               {"per_buyer_limit", soak.options.drop_units}}),
                  creator.access_token);
  if (drop.status != 201) return false;
  soak.book.Add(c,
                {ParseOrder(drop.body).id, creator.user_id, created + kDropStartDelay,
                 created + kDropStartDelay + soak.options.drop_length},
                starts_at);
  return true;
}

// Keeps one drop on sale per creator (drops end or sell out).
void RunCreators(Soak& soak, std::vector<Record>& records) {
  Client client(soak, records);
  while (!soak.Over()) {
    if (!InIdleGap(soak.plan, soak.Since())) {
      for (int c = 0; c < static_cast<int>(soak.creators.size()) && !soak.Over(); ++c) {
        if (soak.book.NeedsDrop(c, SteadyClock::now())) CreateDrop(soak, client, c);
      }
    }
    soak.WaitOutIdleGap();
    soak.SleepUntil(soak.Since() + milliseconds(1000));
  }
}

// Runs `<fault-command> <fault> [seconds]`, its output on stderr (stdout stays the report's).
int RunFaultCommand(const std::vector<std::string>& command, const std::vector<std::string>& args) {
  std::vector<std::string> all = command;
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::execvp(argv[0], argv.data());
    std::perror(argv[0]);
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void RunFaults(Soak& soak, std::vector<FaultRun>& runs, std::ostream& out) {
  for (const auto& f : soak.plan.faults) {
    soak.SleepUntil(f.at);
    if (soak.Over()) break;
    FaultRun run{f};
    std::vector<std::string> args{std::string(FaultName(f.kind))};
    if (f.kind == FaultKind::kBrokerPause) {
      args.push_back(std::to_string(soak.options.plan_input.broker_pause.count() / 1000));
    }
    run.start = soak.Since();
    out << "[" << config::FormatDuration(run.start) << "] fault " << args[0] << " ...\n"
        << std::flush;
    run.exit_code = RunFaultCommand(soak.options.fault_command, args);
    run.end = soak.Since();
    out << "[" << config::FormatDuration(run.end) << "] fault " << args[0] << " done (exit "
        << run.exit_code << ")\n"
        << std::flush;
    runs.push_back(run);
  }
}

std::vector<ProcessMemory> SampleMemory(const Options& o) {
  std::vector<ProcessMemory> out;
  for (const auto& [name, endpoint] : o.metrics) {
    out.push_back({name, ScrapeGauge(endpoint, kRssMetric), std::nullopt, std::nullopt});
  }
  return out;
}

std::string Mib(const std::optional<double>& bytes) {
  return bytes ? Fixed(*bytes / 1048576.0, 1) : "-";
}

}  // namespace

int RunSoak(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::string plan_error;
  auto plan = PlanSoak(o.plan_input, plan_error);
  if (!plan) ExitOnFlagProblems(kProgram, {plan_error});
  std::ostream& out = o.json_only ? std::cerr : std::cout;
  json::object result{{"scenario", "soak"}};
  return RunScenario(kProgram, out, result, [&] {
    const auto& in = o.plan_input;
    out << "soak: " << config::FormatDuration(in.duration) << ", " << Fixed(o.rate) << " ops/s on "
        << o.clients << " clients (reads " << Fixed(o.read_share * 100, 0) << "%, follows "
        << Fixed(o.follow_share * 100, 0) << "%, orders "
        << Fixed((1 - o.read_share - o.follow_share) * 100, 0) << "%), " << o.ws_followers
        << " follower WebSockets, warm-up " << config::FormatDuration(in.warmup) << "\n";
    for (const auto& g : plan->idle_gaps) {
      out << "  idle gap " << config::FormatDuration(g.start) << " .. "
          << config::FormatDuration(g.end) << "\n";
    }
    for (const auto& f : plan->faults) {
      out << "  fault " << FaultName(f.kind) << " at " << config::FormatDuration(f.at) << "\n";
    }
    {
      HttpConnection probe(o.gateway.host, o.gateway.port, std::chrono::seconds(5));
      const auto a = probe.Get(o.gateway.path + "/healthz");
      if (a.status != 200) {
        throw std::runtime_error("the gateway does not answer /healthz (" +
                                 (a.status == 0 ? a.error : std::to_string(a.status)) +
                                 "): start ./scripts/livedrop up");
      }
    }

    // Accounts whose tokens outlive the run (the gateway closes a WebSocket when its token
    // expires, and a 401 in the middle would be counted as a failure).
    const auto needed = std::chrono::duration_cast<std::chrono::seconds>(in.duration + o.grace +
                                                                         std::chrono::minutes(3));
    const std::string prefix = "loadgen-" + o.run_id + "-soak";
    auto creators = EnsureAccounts(o.gateway, prefix + "-creator", "creator", o.creators,
                                   o.register_concurrency, o.token_cache, needed);
    auto buyers = EnsureAccounts(o.gateway, prefix + "-buyer", "buyer", o.buyers,
                                 o.register_concurrency, o.token_cache, needed);
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    long long earliest = 0;
    for (const auto* set : {&creators, &buyers}) {
      for (const auto& a : *set) {
        const auto exp = JwtExpiry(a.access_token);
        if (earliest == 0 || exp < earliest) earliest = exp;
      }
    }
    if (earliest < now_s + needed.count()) {
      throw std::runtime_error("access tokens expire in " +
                               std::to_string((earliest - now_s) / 60) +
                               " min but the soak needs " + std::to_string(needed.count() / 60) +
                               " min: start the platform with a longer access-token lifetime, e.g. "
                               "LIVEDROP_ACCESS_TOKEN_TTL=2h ./scripts/livedrop up");
    }

    // The WebSocket followers follow a fixed set of creators; the others start from none.
    ParallelFor(o.gateway, o.buyers, 8, [&](GatewayApi& api, int i) {
      for (int c = 0; c < o.creators; ++c) {
        const auto& creator = creators[static_cast<std::size_t>(c)];
        if (i < o.ws_followers && FollowsCreator(i, c, o.creators)) {
          api.Follow(buyers[static_cast<std::size_t>(i)].access_token, creator.user_id);
        } else {
          api.Unfollow(buyers[static_cast<std::size_t>(i)].access_token, creator.user_id);
        }
      }
    });

    auto memory = SampleMemory(o);
    const auto captures_before = ScrapeCaptures(o.payment_metrics);

    std::optional<WsFleet> fleet;
    std::vector<FollowerLog> follower_logs(static_cast<std::size_t>(o.ws_followers));
    if (o.ws_followers > 0) {
      fleet.emplace(WsFleetOptions{o.gateway.host, o.gateway.port, o.gateway.path + "/v1/ws", 1});
      std::vector<std::string> tokens;
      for (int i = 0; i < o.ws_followers; ++i) {
        tokens.push_back(buyers[static_cast<std::size_t>(i)].access_token);
        for (int c = 0; c < o.creators; ++c) {
          if (FollowsCreator(i, c, o.creators)) {
            follower_logs[static_cast<std::size_t>(i)].creator_ids.insert(
                creators[static_cast<std::size_t>(c)].user_id);
          }
        }
      }
      fleet->Open(tokens, o.ws_followers, &IsReadyFrame, std::chrono::seconds(30));
      if (fleet->ReadyCount() != o.ws_followers) {
        throw std::runtime_error(std::to_string(fleet->ReadyCount()) + " of " +
                                 std::to_string(o.ws_followers) + " follower WebSockets opened");
      }
      for (auto& f : follower_logs) f.ready_at = Now();
    }

    // The traffic.
    Soak soak(o, *plan, std::move(creators), std::move(buyers));
    soak.start = SteadyClock::now();
    const auto wall_start = Now();
    std::vector<Record> creator_records;
    std::vector<FaultRun> fault_runs;
    std::vector<std::thread> threads;
    threads.emplace_back([&] { RunCreators(soak, creator_records); });
    for (int c = 0; c < o.clients; ++c) threads.emplace_back([&, c] { RunClient(soak, c); });
    threads.emplace_back([&] { RunFaults(soak, fault_runs, out); });
    soak.SleepUntil(in.warmup);
    const auto warm = SampleMemory(o);
    for (std::size_t i = 0; i < memory.size(); ++i) memory[i].warm = warm[i].start;
    out << "[" << config::FormatDuration(soak.Since()) << "] warm-up done, memory sampled\n"
        << std::flush;
    long long last_reported_minute = 0;
    while (!soak.Over()) {
      soak.SleepUntil(soak.Since() + milliseconds(1000));
      const long long minute = soak.Since().count() / 60000;
      if (minute != last_reported_minute) {
        last_reported_minute = minute;
        std::lock_guard lock(soak.mu);
        out << "[" << minute << "m]" << (InIdleGap(soak.plan, soak.Since()) ? " (idle)" : "")
            << "\n"
            << std::flush;
      }
    }
    soak.stop = true;
    for (auto& t : threads) t.join();
    const double traffic_s = std::chrono::duration<double>(SteadyClock::now() - soak.start).count();
    soak.records.insert(soak.records.end(), creator_records.begin(), creator_records.end());
    std::sort(soak.records.begin(), soak.records.end(),
              [](const Record& a, const Record& b) { return a.start < b.start; });

    // Notifications: listen until the last drop has started and had time to arrive.
    const auto drops = soak.book.All();
    TimePoint until = Now();
    if (fleet) {
      TimePoint last_start = wall_start;
      for (const auto& d : drops) last_start = std::max(last_start, d.starts_at);
      const auto listen_until =
          std::min(last_start + std::chrono::seconds(10), Now() + std::chrono::seconds(30));
      while (Now() < listen_until) std::this_thread::sleep_for(milliseconds(200));
      until = std::min(listen_until, Now()) - std::chrono::seconds(5);
      fleet->CloseAll(milliseconds(5000));
      auto states = fleet->TakeStates();
      for (std::size_t i = 0; i < states.size(); ++i) {
        follower_logs[i].stayed_open = states[i].ready && states[i].failure.empty();
        follower_logs[i].frames = std::move(states[i].frames);
        if (!follower_logs[i].stayed_open) {
          out << "follower " << i << " closed early: " << states[i].failure << "\n";
        }
      }
    }
    const auto notifications = CountNotifications(follower_logs, drops, until);

    // Fault windows and the requests outside them.
    std::vector<Interval> windows;
    for (const auto& f : fault_runs) windows.push_back({f.start, f.end + in.fault_grace});
    std::map<int, long long> statuses;
    std::map<std::string, std::map<int, long long>> by_op;
    long long failed_outside = 0, failed_inside = 0;
    std::map<std::string, long long> outside_examples;
    for (const auto& r : soak.records) {
      ++statuses[r.status];
      ++by_op[std::string(SoakOpName(r.op))][r.status];
      if (!IsFailedAnswer(r.op, r.status)) continue;
      if (InAnyWindow(windows, r.start, r.end)) {
        ++failed_inside;
      } else {
        ++failed_outside;
        ++outside_examples[std::to_string(r.status) + " " + r.what];
      }
    }
    // The first requests after every idle gap: what the original bug broke.
    json::array gaps_json;
    for (const auto& g : soak.plan.idle_gaps) {
      long long after = 0, failed = 0;
      for (const auto& r : soak.records) {
        if (r.start >= g.end && r.start < g.end + milliseconds(10000)) {
          ++after;
          if (IsFailedAnswer(r.op, r.status)) ++failed;
        }
      }
      gaps_json.push_back(json::object{{"start_ms", g.start.count()},
                                       {"end_ms", g.end.count()},
                                       {"requests_in_10s_after", after},
                                       {"failed_in_10s_after", failed}});
      out << "idle gap " << config::FormatDuration(g.start) << " .. "
          << config::FormatDuration(g.end) << ": " << after << " requests in the 10 s after, "
          << failed << " failed\n";
    }

    // The audit: every drop of the run, with one overall grace.
    const auto audit_deadline = SteadyClock::now() + o.grace;
    std::vector<std::pair<std::string, std::vector<Check>>> per_drop;
    std::vector<std::string> buyer_ids;
    for (const auto& b : soak.buyers) buyer_ids.push_back(b.user_id);
    long long succeeded_payments = 0, confirmed_db = 0, failed_db = 0, orders_db = 0;
    for (const auto& [drop_id, orders] : soak.book.AllOrders()) {
      if (orders.keys == 0) continue;  // nothing was bought: nothing to audit
      StormFacts facts;
      facts.drop_id = drop_id;
      facts.units = o.drop_units;
      facts.per_buyer_limit = o.drop_units;
      facts.attempts = orders.keys;
      facts.confirmed_order_ids = orders.confirmed;
      facts.buyer_ids = buyer_ids;
      DropLedger ledger;
      const auto left =
          std::chrono::duration_cast<milliseconds>(audit_deadline - SteadyClock::now());
      per_drop.emplace_back(
          drop_id, VerifyDrop(o.pg_url, facts, std::max(left, milliseconds(1000)), ledger));
      succeeded_payments += ledger.succeeded_payments;
      confirmed_db += ledger.confirmed_orders;
      failed_db += ledger.failed;
      orders_db += ledger.orders;
    }
    auto checks = MergeDropChecks(per_drop);
    const auto captures_after = ScrapeCaptures(o.payment_metrics);
    if (captures_before && captures_after) {
      const auto delta = static_cast<long long>(*captures_after - *captures_before);
      checks.push_back({"provider captures = succeeded payments (no double charge)",
                        delta == succeeded_payments,
                        kCapturesMetric + std::string(" +") + std::to_string(delta) + " vs " +
                            std::to_string(succeeded_payments) + " succeeded payments"});
    } else if (o.payment_metrics) {
      checks.push_back({"provider captures = succeeded payments (no double charge)", false,
                        "payment metrics unreadable"});
    }

    const auto end_sample = SampleMemory(o);
    for (std::size_t i = 0; i < memory.size(); ++i) memory[i].end = end_sample[i].start;
    const auto verdict = CheckMemory(memory, 1 + o.max_memory_growth);

    long long faults_failed = 0;
    for (const auto& f : fault_runs) faults_failed += f.exit_code != 0;
    const std::string outside_detail = [&] {
      std::string d = std::to_string(failed_outside) + " failed outside, " +
                      std::to_string(failed_inside) + " inside the fault windows";
      int shown = 0;
      for (const auto& [what, n] : outside_examples) {
        if (shown++ < 5) d += "; " + std::to_string(n) + " x " + what;
      }
      return d;
    }();
    checks.insert(
        checks.begin(),
        {{"no failed request outside the fault windows", failed_outside == 0, outside_detail},
         {"every fault ran", faults_failed == 0 && fault_runs.size() == plan->faults.size(),
          std::to_string(fault_runs.size()) + " of " + std::to_string(plan->faults.size()) +
              " ran, " + std::to_string(faults_failed) + " failed"}});
    checks.push_back({"connected followers received every drop_started",
                      notifications.missing == 0 && notifications.closed_early == 0,
                      std::to_string(notifications.missing) + " missing of " +
                          std::to_string(notifications.expected) + ", " +
                          std::to_string(notifications.closed_early) +
                          " follower sockets closed early"});
    std::string memory_detail = "worst end / warm-up " + Fixed(verdict.worst_ratio, 3) +
                                ", limit " + Fixed(1 + o.max_memory_growth, 2);
    for (const auto& p : verdict.over) memory_detail += "; over: " + p;
    for (const auto& p : verdict.unreadable) memory_detail += "; unreadable: " + p;
    checks.push_back({"resident memory flat after the warm-up", verdict.ok, memory_detail});

    // The report.
    out << "\ntraffic: " << soak.records.size() << " requests in " << Fixed(traffic_s, 0)
        << " s; drops created " << drops.size() << "\n";
    out << "HTTP status (every request, retries included):";
    json::object statuses_json;
    for (const auto& [status, n] : statuses) {
      out << "  " << (status == 0 ? "no-answer" : std::to_string(status)) << " x" << n;
      statuses_json[status == 0 ? "none" : std::to_string(status)] = n;
    }
    out << "\n";
    json::object by_op_json;
    for (const auto& [op, counts] : by_op) {
      out << "  " << std::left << std::setw(10) << op << std::right;
      json::object j;
      for (const auto& [status, n] : counts) {
        out << "  " << (status == 0 ? "no-answer" : std::to_string(status)) << " x" << n;
        j[status == 0 ? "none" : std::to_string(status)] = n;
      }
      out << "\n";
      by_op_json[op] = j;
    }
    const auto& t = soak.orders;
    out << "orders: " << t.placed << " placed (one key each), " << t.confirmed << " confirmed, "
        << t.declined << " declined, " << t.sold_out << " sold out, " << t.other_refusals
        << " other refusals, " << t.retried << " resent with the same key, " << t.given_up
        << " given up; database: " << orders_db << " orders, " << confirmed_db << " confirmed, "
        << failed_db << " failed, " << succeeded_payments << " succeeded payments\n";
    json::array faults_json;
    for (const auto& f : fault_runs) {
      out << "fault " << FaultName(f.planned.kind) << ": " << config::FormatDuration(f.start)
          << " .. " << config::FormatDuration(f.end) << " (window to "
          << config::FormatDuration(f.end + in.fault_grace) << "), exit " << f.exit_code << "\n";
      faults_json.push_back(json::object{{"fault", FaultName(f.planned.kind)},
                                         {"start_ms", f.start.count()},
                                         {"end_ms", f.end.count()},
                                         {"window_end_ms", (f.end + in.fault_grace).count()},
                                         {"exit_code", f.exit_code}});
    }
    out << "notifications: " << notifications.delivered << " of " << notifications.expected
        << " drop_started delivered to connected followers, " << notifications.missing
        << " missing\n";
    for (const auto& e : notifications.examples) out << "  e.g. " << e << "\n";
    out << "\n"
        << std::left << std::setw(16) << "memory (MiB)" << std::right << std::setw(10) << "start"
        << std::setw(12) << "warm-up" << std::setw(10) << "end" << std::setw(14) << "end/warm-up"
        << "\n";
    json::array memory_json;
    for (const auto& m : memory) {
      const auto ratio = m.warm && m.end && *m.warm > 0 ? std::optional(*m.end / *m.warm)
                                                        : std::optional<double>();
      out << std::left << std::setw(16) << m.process << std::right << std::setw(10) << Mib(m.start)
          << std::setw(12) << Mib(m.warm) << std::setw(10) << Mib(m.end) << std::setw(14)
          << (ratio ? Fixed(*ratio, 3) : "-") << "\n";
      memory_json.push_back(json::object{{"process", m.process},
                                         {"start_bytes", OptionalNumber(m.start)},
                                         {"warm_bytes", OptionalNumber(m.warm)},
                                         {"end_bytes", OptionalNumber(m.end)},
                                         {"end_per_warm", OptionalNumber(ratio)}});
    }
    json::array checks_json;
    out << "\n";
    const bool pass = ReportChecks(checks, out, checks_json);
    out << (pass ? "\nPASS" : "\nFAIL") << "\n";

    result["config"] = json::object{{"duration_ms", in.duration.count()},
                                    {"warmup_ms", in.warmup.count()},
                                    {"idle_gap_ms", in.idle_gap.count()},
                                    {"fault_grace_ms", in.fault_grace.count()},
                                    {"rate", o.rate},
                                    {"clients", o.clients},
                                    {"ws_followers", o.ws_followers}};
    result["requests"] = static_cast<long long>(soak.records.size());
    result["statuses"] = statuses_json;
    result["by_op"] = by_op_json;
    result["failed_outside_windows"] = failed_outside;
    result["failed_inside_windows"] = failed_inside;
    result["idle_gaps"] = gaps_json;
    result["faults"] = faults_json;
    result["orders"] =
        json::object{{"placed", t.placed},     {"confirmed", t.confirmed},
                     {"declined", t.declined}, {"sold_out", t.sold_out},
                     {"given_up", t.given_up}, {"resent", t.retried},
                     {"db_orders", orders_db}, {"db_confirmed", confirmed_db},
                     {"db_failed", failed_db}, {"succeeded_payments", succeeded_payments}};
    result["drops"] = static_cast<long long>(drops.size());
    result["notifications"] = json::object{{"expected", notifications.expected},
                                           {"delivered", notifications.delivered},
                                           {"missing", notifications.missing},
                                           {"closed_early", notifications.closed_early}};
    result["memory"] = memory_json;
    result["memory_worst_ratio"] = verdict.worst_ratio;
    result["checks"] = checks_json;
    return pass;
  });
}

}  // namespace livedrop::loadgen
