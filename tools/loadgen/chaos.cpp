// chaos: a storm of orders, each retried with the same Idempotency-Key until it gets a final
// answer, while a random Live Drops service or gateway instance of `up --replicas=2` is killed
// with SIGKILL every few seconds (`up` restarts it); then every drop of the run is audited as
// the drop storm's is, with the processor's captures read from its ledger table.
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "chaos_logic.h"
#include "gateway_api.h"
#include "http_connection.h"
#include "livedrop/config/config.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/time.h"
#include "order_outcome.h"
#include "report.h"
#include "run_plan.h"
#include "run_setup.h"
#include "scenario_flags.h"
#include "scenarios.h"
#include "soak_logic.h"
#include "storm_checks.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kProgram = "livedrop-loadgen chaos";
constexpr milliseconds kRetryCap{2000};

// The processor's own ledger (payment.test_processor_charges, keyed by the payment id): its
// captures are what the provider really took, counted across instances and restarts, which
// the per-process captures counter of /metrics is not (it starts at 0 on every restart).
constexpr const char* kDropCaptures =
    "SELECT count(*) FILTER (WHERE t.outcome = 'captured'),"
    "       count(*) FILTER (WHERE t.outcome = 'captured' AND t.refunded),"
    "       count(*) FILTER (WHERE t.outcome = 'captured' AND NOT t.refunded"
    "                          AND p.state <> 'succeeded')"
    "  FROM payment.test_processor_charges t"
    "  JOIN payment.payments p ON t.idempotency_key = p.id::text"
    "  JOIN orders.orders o ON o.id = p.order_id"
    " WHERE o.drop_id = $1::uuid";
constexpr const char* kOrphanCaptures =
    "SELECT count(*) FROM payment.test_processor_charges t"
    " WHERE t.created_at >= $1::timestamptz AND t.outcome = 'captured'"
    "   AND NOT EXISTS (SELECT 1 FROM payment.payments p WHERE p.id::text = t.idempotency_key)";

struct Options : AccountFlags {
  HttpEndpoint gateway;
  std::string pg_url, pids_file;
  milliseconds duration{0}, kill_interval{0}, drop_every{0}, settle{0}, request_timeout{0},
      start_delay{0};
  int buyers = 0, concurrency = 0;
  long long units = 0, per_buyer_limit = 0;
  double decline_share = 0, replay_share = 0;
  unsigned seed = 0;
};

Options ParseOptions(int argc, char** argv) {
  config::Spec spec(kProgram,
                    "A storm of orders, each retried with the same Idempotency-Key and body until "
                    "it gets a final answer, while a random Live Drops service or gateway instance "
                    "from up's pids file is killed with SIGKILL every --kill-interval (up restarts "
                    "it); new drops keep the storm going; then every drop is audited (units sold, "
                    "no oversell, one payment per confirmed order, processor captures, nothing "
                    "left pending, replays identical). Exit 0 when every check passed, 1 when one "
                    "failed, 3 when the run could not be carried out.");
  spec.String("gateway", "Gateway base URL (HAProxy of up --replicas=2)", "http://127.0.0.1:8080")
      .String("pg-url", "PostgreSQL owner URL of the platform (read-only audit)",
              "postgresql://livedrop@127.0.0.1:55432/livedrop")
      .String("pids-file", "up's list of processes ('<name> <pid>' lines), re-read before each kill",
              ".livedrop/run/pids")
      .Duration("duration", "How long the storm (and the kills) last", std::chrono::minutes(10))
      .Duration("kill-interval", "One SIGKILL every this long (0: no kills)", milliseconds(5000))
      .Duration("drop-every",
                "A new drop takes over after this long, or as soon as the current one sells out",
                milliseconds(60000))
      .Duration("settle",
                "After the last request, how long orders may take to end (and unanswered orders "
                "keep being retried)",
                milliseconds(60000))
      .Duration("start-delay", "Each drop starts this long after it is created", milliseconds(2000))
      .Duration("request-timeout", "Timeout of one HTTP request", milliseconds(10000))
      .Int("buyers", "Buyer accounts", 400, 1, 1000000)
      .Int("units", "Units in each drop", 200, 1, 1000000000)
      .Int("per-buyer-limit", "Per-buyer limit of each drop", 2, 1, 1000000)
      .Int("concurrency", "Concurrent clients (threads, one keep-alive connection each)", 16, 1,
           1024)
      .String("decline-share", "Share of orders paying with tok_chargeDeclined (0..1)", "0.1")
      .String("replay-share",
              "Share of final 201/402 answers sent once more at the end with the same key and "
              "body (the replay must answer the same) (0..1)",
              "0.1")
      .Int("seed", "Random seed (buyers, cards, replays, kill targets)", 1, 0, 4294967295LL);
  AddAccountFlags(spec,
                  "Accounts are loadgen-<run-id>-chaos-buyer-<i>@loadgen.livedrop.test: the same "
                  "run id reuses them (logs in), a new one creates fresh ones");
  const auto cfg = config::ParseOrExit(spec, argc, argv);

  Options o;
  std::vector<std::string> problems;
  if (auto g = ParseHttpUrl(cfg.GetString("gateway"))) {
    o.gateway = *g;
  } else {
    problems.push_back("--gateway: not an http://host:port URL");
  }
  o.pg_url = cfg.GetString("pg-url");
  o.pids_file = cfg.GetString("pids-file");
  o.duration = cfg.GetDuration("duration");
  o.kill_interval = cfg.GetDuration("kill-interval");
  o.drop_every = cfg.GetDuration("drop-every");
  o.settle = cfg.GetDuration("settle");
  o.start_delay = cfg.GetDuration("start-delay");
  o.request_timeout = cfg.GetDuration("request-timeout");
  if (o.duration.count() <= 0) problems.push_back("--duration: must be positive");
  if (o.drop_every.count() <= 0) problems.push_back("--drop-every: must be positive");
  if (o.request_timeout.count() <= 0) problems.push_back("--request-timeout: must be positive");
  o.buyers = static_cast<int>(cfg.GetInt("buyers"));
  o.units = cfg.GetInt("units");
  o.per_buyer_limit = cfg.GetInt("per-buyer-limit");
  o.concurrency = static_cast<int>(cfg.GetInt("concurrency"));
  const auto share = [&](const std::string& key) { return ReadShare(cfg, key, problems); };
  o.decline_share = share("decline-share");
  o.replay_share = share("replay-share");
  o.seed = static_cast<unsigned>(cfg.GetInt("seed"));
  static_cast<AccountFlags&>(o) = ReadAccountFlags(cfg, problems);
  ExitOnFlagProblems(kProgram, problems);
  return o;
}

double Since(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

// ---------------------------------------------------------------------------------------------
// Drops: one current drop takes the orders; the next one is made live beside it.

struct DropRecord {
  std::string id;
  std::atomic<bool> sold_out{false};
  std::atomic<long long> keys{0};  // distinct idempotency keys sent for it
  SteadyClock::time_point current_since;
  std::mutex mutex;
  std::set<std::string> confirmed_ids;  // from final 201 answers
};

class DropRotation {
 public:
  std::shared_ptr<DropRecord> Current() {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void Promote(std::shared_ptr<DropRecord> next) {
    std::lock_guard lock(mutex_);
    next->current_since = SteadyClock::now();
    current_ = next;
    all_.push_back(std::move(next));
  }
  std::vector<std::shared_ptr<DropRecord>> All() {
    std::lock_guard lock(mutex_);
    return all_;
  }

 private:
  std::mutex mutex_;
  std::shared_ptr<DropRecord> current_;
  std::vector<std::shared_ptr<DropRecord>> all_;
};

// Creates a drop and waits until it is live with its stock row, retrying through the kills.
// Throws once `give_up` has passed.
std::shared_ptr<DropRecord> MakeLiveDrop(const Options& o, const Account& creator, int n,
                                         SteadyClock::time_point give_up, std::ostream& log) {
  GatewayApi api(o.gateway);
  const auto attempt = [&](const char* what, const std::function<void()>& step) {
    for (int tries = 1;; ++tries) {
      try {
        step();
        return;
      } catch (const std::exception& e) {
        if (SteadyClock::now() > give_up) {
          throw std::runtime_error(std::string(what) + ": " + e.what());
        }
        if (tries % 10 == 1) log << "  (drop " << n << ": " << what << " retried: " << e.what() << ")\n";
        std::this_thread::sleep_for(milliseconds(300));
      }
    }
  };
  std::string product, drop_id;
  attempt("create product", [&] {
    product = api.CreateProduct(creator.access_token, "Loadgen chaos tee " + std::to_string(n),
                                2500, "EUR");
  });
  const auto starts = Now() + std::chrono::duration_cast<std::chrono::microseconds>(o.start_delay);
  const auto ends = starts + std::chrono::duration_cast<std::chrono::microseconds>(
                                 o.duration + o.settle + std::chrono::minutes(30));
  attempt("create drop", [&] {
    // A retry after an unanswered POST may leave an unused drop behind: it gets no orders.
    drop_id = api.CreateDrop(creator.access_token, product, FormatRfc3339(starts),
                             FormatRfc3339(ends), o.units, o.per_buyer_limit);
  });
  attempt("wait until live", [&] {
    const auto view = api.GetDrop(drop_id);
    if (view.status != "live") throw std::runtime_error("drop is " + view.status);
    if (!ReadStock(o.pg_url, drop_id)) throw std::runtime_error("no inventory.stock row yet");
  });
  auto d = std::make_shared<DropRecord>();
  d->id = drop_id;
  return d;
}

// ---------------------------------------------------------------------------------------------
// The storm

struct FinalAnswer {
  std::string key, body, token;
  AnswerDigest digest;
};

struct ClientStats {
  long long orders = 0, requests = 0, retries = 0, pending_then_final = 0;
  std::map<std::string, long long> outcomes;  // final answers, by outcome or "<status> <code>"
  std::map<int, long long> statuses;          // every answer (0: none)
  std::map<int, long long> final_statuses;
  std::vector<std::string> unfinished;  // "<key> (last <status>, order <id>)"
  std::vector<FinalAnswer> replay_sample;
  long long max_retries = 0;

  void Merge(ClientStats&& o) {
    orders += o.orders;
    requests += o.requests;
    retries += o.retries;
    pending_then_final += o.pending_then_final;
    max_retries = std::max(max_retries, o.max_retries);
    for (auto& [k, v] : o.outcomes) outcomes[k] += v;
    for (auto& [k, v] : o.statuses) statuses[k] += v;
    for (auto& [k, v] : o.final_statuses) final_statuses[k] += v;
    unfinished.insert(unfinished.end(), o.unfinished.begin(), o.unfinished.end());
    for (auto& r : o.replay_sample) replay_sample.push_back(std::move(r));
  }
};

struct Storm {
  const Options& options;
  const std::vector<Account>& buyers;
  DropRotation& drops;
  SteadyClock::time_point end;        // no new order after this
  SteadyClock::time_point retry_end;  // no retry after this
};

ClientStats Client(Storm& storm, int client) {
  const auto& o = storm.options;
  ClientStats stats;
  HttpConnection http(o.gateway.host, o.gateway.port, o.request_timeout);
  std::mt19937_64 rng(o.seed * 7919ULL + static_cast<unsigned long long>(client) + 1);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<std::size_t> pick(0, storm.buyers.size() - 1);
  const std::string target = o.gateway.path + "/v1/orders";
  while (SteadyClock::now() < storm.end) {
    const auto drop = storm.drops.Current();
    const auto& buyer = storm.buyers[pick(rng)];
    const bool declined = unit(rng) < o.decline_share;
    const std::string body = OrderRequestBody(drop->id, 1, declined);
    const std::string key = "lg-chaos-" + NewUuid();
    const Headers headers{{"Content-Type", "application/json"},
                          {"Authorization", "Bearer " + buyer.access_token},
                          {"Idempotency-Key", key}};
    ++drop->keys;
    ++stats.orders;
    bool pending_seen = false, final_seen = false;
    std::string pending_id;
    HttpAnswer answer;
    for (int retry = 0;; ++retry) {
      answer = http.Request("POST", target, body, headers);
      ++stats.requests;
      ++stats.statuses[answer.status];
      if (ClassifyForRetry(answer.status) == OrderStep::kFinal) {
        final_seen = true;
        stats.max_retries = std::max<long long>(stats.max_retries, retry);
        break;
      }
      if (answer.status == 202) {
        pending_seen = true;
        const auto id = ParseOrder(answer.body).id;
        if (!id.empty()) pending_id = id;
      }
      const auto delay = RetryDelay(answer.retry_after, retry + 1, kRetryCap, rng);
      if (SteadyClock::now() + delay > storm.retry_end) break;
      ++stats.retries;
      std::this_thread::sleep_for(delay);
    }
    if (!final_seen) {
      stats.unfinished.push_back(key + " (drop " + drop->id + ", last answer " +
                                 (answer.status == 0 ? "none: " + answer.error
                                                     : std::to_string(answer.status)) +
                                 (pending_id.empty() ? "" : ", order " + pending_id) + ")");
      continue;
    }
    if (pending_seen) ++stats.pending_then_final;
    ++stats.final_statuses[answer.status];
    const auto c = ClassifyOrderAnswer(answer.status, answer.body);
    if (c.outcome == Outcome::kOther) {
      ++stats.outcomes[OtherAnswerKey(answer.status, c.code, answer.error)];
    } else {
      ++stats.outcomes[std::string(OutcomeName(c.outcome))];
    }
    if (c.outcome == Outcome::kConfirmed) {
      std::lock_guard lock(drop->mutex);
      drop->confirmed_ids.insert(c.order_id);
    }
    // The drop is sold out only when nothing is held either; a sold_out refusal while
    // declined orders still hold units is enough to move on.
    if (c.outcome == Outcome::kSoldOut) drop->sold_out = true;
    auto digest = DigestOrderAnswer(answer.status, answer.body);
    if ((answer.status == 201 || answer.status == 402) && !digest.order_id.empty() &&
        unit(rng) < o.replay_share) {
      stats.replay_sample.push_back({key, body, buyer.access_token, std::move(digest)});
    }
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------
// The kills

struct KillStats {
  std::map<std::string, long long> kills;
  long long skipped = 0;  // no target, or a pid that was not a Live Drops binary
  std::vector<std::string> notes;
};

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsLiveDropsProcess(long long pid) {
  const auto cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline && cmdline->find("livedrop-") != std::string::npos;
}

void KillLoop(const Options& o, SteadyClock::time_point start, SteadyClock::time_point end,
              KillStats& stats, std::ostream& out, std::mutex& out_mutex) {
  std::mt19937_64 rng(o.seed * 104729ULL + 17);
  auto next = start + o.kill_interval;
  while (next < end) {
    std::this_thread::sleep_until(next);
    next += o.kill_interval;
    const auto text = ReadFile(o.pids_file);
    const auto targets = text ? ParseKillTargets(*text) : std::vector<ProcessEntry>{};
    if (targets.empty()) {
      ++stats.skipped;
      if (stats.notes.size() < 5) stats.notes.push_back("no target in " + o.pids_file);
      continue;
    }
    const auto& t = targets[std::uniform_int_distribution<std::size_t>(0, targets.size() - 1)(rng)];
    std::lock_guard lock(out_mutex);
    if (!IsLiveDropsProcess(t.pid)) {  // dead and not restarted yet, or a reused pid
      ++stats.skipped;
      out << "  " << Fixed(Since(start), 1) << " s: " << t.name << " pid " << t.pid
          << " is not running a livedrop binary: skipped\n";
      continue;
    }
    if (::kill(static_cast<pid_t>(t.pid), SIGKILL) != 0) {
      ++stats.skipped;
      out << "  " << Fixed(Since(start), 1) << " s: kill " << t.name << " pid " << t.pid
          << " failed: " << std::strerror(errno) << "\n";
      continue;
    }
    ++stats.kills[t.name];
    out << "  " << Fixed(Since(start), 1) << " s: SIGKILL " << t.name << " (pid " << t.pid
        << ")\n"
        << std::flush;
  }
}

// Names whose instance runs again (a live livedrop binary under the pid up lists now),
// waiting up to `wait` for the last restarts.
std::set<std::string> RunningAgain(const Options& o, const std::set<std::string>& names,
                                   milliseconds wait) {
  const auto deadline = SteadyClock::now() + wait;
  std::set<std::string> running;
  for (;;) {
    running.clear();
    if (const auto text = ReadFile(o.pids_file)) {
      for (const auto& t : ParseKillTargets(*text)) {
        if (names.count(t.name) && IsLiveDropsProcess(t.pid)) running.insert(t.name);
      }
    }
    if (running.size() == names.size() || SteadyClock::now() > deadline) return running;
    std::this_thread::sleep_for(milliseconds(200));
  }
}

// ---------------------------------------------------------------------------------------------
// Replays

struct ReplayStats {
  long long sent = 0, mismatches = 0, unanswered = 0, without_header = 0;
  std::vector<std::string> examples;
};

ReplayStats RunReplays(const Options& o, const std::vector<FinalAnswer>& sample) {
  ReplayStats total;
  std::mutex mutex;
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < std::min<int>(o.concurrency, 8); ++t) {
    threads.emplace_back([&, t] {
      HttpConnection http(o.gateway.host, o.gateway.port, o.request_timeout);
      std::mt19937_64 rng(o.seed + static_cast<unsigned>(t));
      for (std::size_t i = next++; i < sample.size(); i = next++) {
        const auto& f = sample[i];
        const Headers headers{{"Content-Type", "application/json"},
                              {"Authorization", "Bearer " + f.token},
                              {"Idempotency-Key", f.key}};
        HttpAnswer again;
        for (int retry = 1; retry <= 8; ++retry) {
          again = http.Request("POST", o.gateway.path + "/v1/orders", f.body, headers);
          if (ClassifyForRetry(again.status) == OrderStep::kFinal) break;
          std::this_thread::sleep_for(RetryDelay(again.retry_after, retry, kRetryCap, rng));
        }
        std::lock_guard lock(mutex);
        ++total.sent;
        if (ClassifyForRetry(again.status) != OrderStep::kFinal) {
          ++total.unanswered;
          if (total.examples.size() < 5) {
            total.examples.push_back(f.key + ": no final answer to the replay (" +
                                     std::to_string(again.status) + ")");
          }
          continue;
        }
        const auto why = ReplayMismatch(f.digest, DigestOrderAnswer(again.status, again.body));
        if (!why.empty()) {
          ++total.mismatches;
          if (total.examples.size() < 5) total.examples.push_back(f.key + ": " + why);
        } else if (!again.replayed) {
          ++total.without_header;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  return total;
}

}  // namespace

int RunChaos(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::ostream& out = o.json_only ? std::cerr : std::cout;
  json::object result{{"scenario", "chaos"}};
  return RunScenario(kProgram, out, result, [&] {
    out << "chaos: " << config::FormatDuration(o.duration) << ", " << o.concurrency
        << " clients, " << o.buyers << " buyers, drops of " << o.units << " units (limit "
        << o.per_buyer_limit << "), a new drop every " << config::FormatDuration(o.drop_every)
        << " or at sell-out, " << Fixed(o.decline_share * 100, 0) << "% declined cards, SIGKILL "
        << (o.kill_interval.count() > 0 ? "every " + config::FormatDuration(o.kill_interval)
                                        : std::string("never"))
        << " from " << o.pids_file << "\n";
    RequireGateway(o.gateway);
    if (o.kill_interval.count() > 0) {
      const auto text = ReadFile(o.pids_file);
      if (!text || ParseKillTargets(*text).empty()) {
        throw std::runtime_error("no Live Drops instance in " + o.pids_file +
                                 " (start ./scripts/livedrop up --replicas=2, or pass "
                                 "--pids-file=<state dir>/run/pids)");
      }
      out << "kill targets: " << ParseKillTargets(*text).size() << " instances\n";
    }
    const auto run_started_at = FormatRfc3339(Now());

    // Set-up, as the drop storm does: a creator, buyers, a live drop.
    const auto validity = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::minutes(10) + o.duration + o.settle);
    const std::string prefix = "loadgen-" + o.run_id + "-chaos";
    const auto creator =
        EnsureAccounts(o.gateway, prefix + "-creator", "creator", 1, 1, o.token_cache, validity)
            .front();
    const auto reg_start = SteadyClock::now();
    const auto buyers = EnsureAccounts(o.gateway, prefix + "-buyer", "buyer", o.buyers,
                                       o.register_concurrency, o.token_cache, validity);
    out << "accounts: " << o.buyers << " buyers ready in " << Fixed(Since(reg_start), 1) << " s\n";
    DropRotation drops;
    std::mutex out_mutex;
    drops.Promote(MakeLiveDrop(o, creator, 1, SteadyClock::now() + std::chrono::minutes(2), out));
    out << "drop 1: " << drops.Current()->id << " live\n" << std::flush;

    // The storm, the kills and the drops beside them.
    const auto start = SteadyClock::now();
    Storm storm{o, buyers, drops, start + o.duration, start + o.duration + o.settle};
    std::atomic<bool> stop_drops{false};
    std::string drop_error;
    std::thread drop_thread([&] {
      int n = 1;
      std::shared_ptr<DropRecord> next;  // made live ahead, so a sell-out is not a pause
      try {
        while (!stop_drops) {
          if (!next) {
            next = MakeLiveDrop(o, creator, ++n, SteadyClock::now() + std::chrono::minutes(2),
                                out);
          }
          const auto cur = drops.Current();
          if (!cur->sold_out && SteadyClock::now() - cur->current_since < o.drop_every) {
            std::this_thread::sleep_for(milliseconds(100));
            continue;
          }
          if (stop_drops) break;
          std::lock_guard lock(out_mutex);
          out << "  " << Fixed(Since(start), 1) << " s: drop " << n << " " << next->id
              << " takes over from " << cur->id << (cur->sold_out ? " (sold out)" : "") << "\n";
          drops.Promote(std::move(next));
          next.reset();
        }
      } catch (const std::exception& e) {
        drop_error = e.what();  // the storm goes on with the last drop
      }
    });
    KillStats kills;
    std::thread kill_thread;
    if (o.kill_interval.count() > 0) {
      kill_thread = std::thread([&] { KillLoop(o, start, storm.end, kills, out, out_mutex); });
    }
    std::vector<ClientStats> per_client(static_cast<std::size_t>(o.concurrency));
    std::vector<std::thread> clients;
    for (int t = 0; t < o.concurrency; ++t) {
      clients.emplace_back(
          [&, t] { per_client[static_cast<std::size_t>(t)] = Client(storm, t); });
    }
    if (kill_thread.joinable()) kill_thread.join();
    stop_drops = true;
    for (auto& t : clients) t.join();
    const auto last_request = SteadyClock::now();
    drop_thread.join();
    const double storm_s = Since(start);
    ClientStats all;
    for (auto& s : per_client) all.Merge(std::move(s));
    out << "storm over after " << Fixed(storm_s, 1) << " s (the last orders retried until "
        << Fixed(std::chrono::duration<double>(last_request - start).count(), 1) << " s)\n";
    if (!drop_error.empty()) out << "no new drop after: " << drop_error << "\n";

    // The killed instances run again?
    std::set<std::string> killed;
    long long kills_total = 0;
    for (const auto& [name, n] : kills.kills) {
      killed.insert(name);
      kills_total += n;
    }
    const auto running = RunningAgain(o, killed, milliseconds(30000));

    // Replays of a sample of final answers, then the audit of every drop.
    const auto replays = RunReplays(o, all.replay_sample);
    std::vector<Check> checks;
    checks.push_back({"every order got a final answer (retried until " +
                          config::FormatDuration(o.settle) + " after the storm)",
                      all.unfinished.empty(),
                      std::to_string(all.unfinished.size()) + " of " + std::to_string(all.orders) +
                          " orders without one" +
                          (all.unfinished.empty() ? "" : ", e.g. " + all.unfinished.front())});
    checks.push_back({"replays answer like the final answer", replays.mismatches == 0 &&
                                                                  replays.unanswered == 0,
                      std::to_string(replays.mismatches) + " mismatches, " +
                          std::to_string(replays.unanswered) + " unanswered of " +
                          std::to_string(replays.sent) + " replays" +
                          (replays.examples.empty() ? "" : ", e.g. " + replays.examples.front())});
    checks.push_back({"every killed instance runs again", running.size() == killed.size(),
                      std::to_string(running.size()) + " of " + std::to_string(killed.size()) +
                          " killed names have a live process in " + o.pids_file});

    std::vector<std::string> buyer_ids;
    for (const auto& b : buyers) buyer_ids.push_back(b.user_id);
    // The drop storm's checks per drop, folded into one line per check (MergeDropChecks).
    std::vector<std::pair<std::string, std::vector<Check>>> per_drop;
    json::array drops_json;
    long long db_orders = 0, db_confirmed = 0, db_failed = 0, db_pending = 0, db_payments = 0,
              db_captures = 0, db_refunded = 0;
    out << "\n" << std::left << std::setw(38) << "drop" << std::right << std::setw(7) << "keys"
        << std::setw(8) << "orders" << std::setw(10) << "confirmed" << std::setw(8) << "failed"
        << std::setw(8) << "sold" << std::setw(8) << "avail" << std::setw(9) << "payments"
        << std::setw(9) << "captures" << "\n";
    for (const auto& d : drops.All()) {
      if (d->keys == 0) continue;
      StormFacts facts;
      facts.drop_id = d->id;
      facts.units = o.units;
      facts.per_buyer_limit = o.per_buyer_limit;
      // Drops are left at their first sold_out while declined orders may still hold units, so
      // "every unit sold" is not expected; "sold = confirmed units" is checked below.
      facts.demand_exceeds_supply = false;
      facts.attempts = d->keys;
      {
        std::lock_guard lock(d->mutex);
        facts.confirmed_order_ids = d->confirmed_ids;
      }
      facts.buyer_ids = buyer_ids;
      const auto grace = std::max(
          milliseconds(0), std::chrono::duration_cast<milliseconds>(
                               last_request + o.settle - SteadyClock::now()));
      DropLedger ledger;
      auto drop_checks = VerifyDrop(o.pg_url, facts, grace, ledger);
      drop_checks.push_back({"units sold = confirmed orders' quantity",
                             ledger.sold == ledger.confirmed_units && ledger.sold >= 0,
                             "sold " + std::to_string(ledger.sold) + ", confirmed units " +
                                 std::to_string(ledger.confirmed_units)});
      long long captured = 0, refunded = 0, stray = 0;
      try {
        pqxx::connection conn(o.pg_url);
        pqxx::nontransaction tx(conn);
        const auto r = tx.exec_params1(kDropCaptures, d->id);
        captured = r[0].as<long long>();
        refunded = r[1].as<long long>();
        stray = r[2].as<long long>();
        drop_checks.push_back(
            {"processor captures (its ledger) = succeeded payments",
             captured - refunded == ledger.succeeded_payments && stray == 0,
             std::to_string(captured) + " captured (" + std::to_string(refunded) +
                 " refunded) vs " + std::to_string(ledger.succeeded_payments) +
                 " succeeded payments, " + std::to_string(stray) +
                 " captured for a payment not succeeded"});
      } catch (const std::exception& e) {
        drop_checks.push_back({"processor captures (its ledger) = succeeded payments", false,
                               std::string("query failed: ") + e.what()});
      }
      out << std::left << std::setw(38) << d->id << std::right << std::setw(7) << d->keys
          << std::setw(8) << ledger.orders << std::setw(10) << ledger.confirmed_orders
          << std::setw(8) << ledger.failed << std::setw(8) << ledger.sold << std::setw(8)
          << ledger.available << std::setw(9) << ledger.succeeded_payments << std::setw(9)
          << captured - refunded << "\n";
      db_orders += ledger.orders;
      db_confirmed += ledger.confirmed_orders;
      db_failed += ledger.failed;
      db_pending += ledger.pending;
      db_payments += ledger.succeeded_payments;
      db_captures += captured;
      db_refunded += refunded;
      json::array dj;
      for (const auto& c : drop_checks) {
        dj.push_back(json::object{{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
      }
      per_drop.emplace_back(d->id, drop_checks);
      drops_json.push_back(json::object{{"drop_id", d->id},
                                        {"keys", d->keys.load()},
                                        {"orders", ledger.orders},
                                        {"confirmed_orders", ledger.confirmed_orders},
                                        {"confirmed_units", ledger.confirmed_units},
                                        {"failed", ledger.failed},
                                        {"pending", ledger.pending},
                                        {"sold", ledger.sold},
                                        {"available", ledger.available},
                                        {"reserved", ledger.reserved},
                                        {"succeeded_payments", ledger.succeeded_payments},
                                        {"captured", captured},
                                        {"refunded", refunded},
                                        {"checks", dj}});
    }
    for (auto& c : MergeDropChecks(per_drop)) checks.push_back(std::move(c));
    try {
      pqxx::connection conn(o.pg_url);
      pqxx::nontransaction tx(conn);
      const auto orphans = tx.exec_params1(kOrphanCaptures, run_started_at)[0].as<long long>();
      checks.push_back({"no processor capture without a payment (since the run started)",
                        orphans == 0, std::to_string(orphans) + " captured keys match no payment"});
    } catch (const std::exception& e) {
      checks.push_back({"no processor capture without a payment (since the run started)", false,
                        std::string("query failed: ") + e.what()});
    }

    // Report.
    out << "\nkills: " << kills_total << " SIGKILLs survived by the platform ("
        << running.size() << " of " << killed.size() << " names running again), " << kills.skipped
        << " skipped\n";
    json::object kills_json;
    for (const auto& [name, n] : kills.kills) {
      out << "  " << std::left << std::setw(16) << name << std::right << std::setw(5) << n
          << (running.count(name) ? "" : "  NOT RUNNING AGAIN") << "\n";
      kills_json[name] = n;
    }
    out << "orders: " << all.orders << " (idempotency keys), " << all.requests << " requests, "
        << all.retries << " retries (at most " << all.max_retries << " for one order), "
        << all.pending_then_final << " answered 202 pending before their final answer, "
        << all.unfinished.size() << " without a final answer\n";
    out << "final answers:";
    json::object outcomes_json;
    for (const auto& [k, n] : all.outcomes) {
      out << "  " << k << " x" << n;
      outcomes_json[k] = n;
    }
    out << "\nanswers by status (every request):";
    json::object statuses_json, final_json;
    for (const auto& [s, n] : all.statuses) {
      out << "  " << (s == 0 ? "no-answer" : std::to_string(s)) << " x" << n;
      statuses_json[s == 0 ? "none" : std::to_string(s)] = n;
    }
    for (const auto& [s, n] : all.final_statuses) final_json[std::to_string(s)] = n;
    out << "\nreplays: " << replays.sent << " sent, " << replays.mismatches << " mismatches, "
        << replays.unanswered << " unanswered, " << replays.without_header
        << " matching without Idempotent-Replayed: true\n";
    for (const auto& e : replays.examples) out << "  replay: " << e << "\n";
    for (std::size_t i = 0; i < all.unfinished.size() && i < 10; ++i) {
      out << "  no final answer: " << all.unfinished[i] << "\n";
    }
    out << "database: " << db_orders << " orders on " << drops_json.size() << " drops, "
        << db_confirmed << " confirmed, " << db_failed << " failed, " << db_pending
        << " pending; " << db_payments << " succeeded payments; processor captured "
        << db_captures << " (" << db_refunded << " refunded)\n";

    json::array checks_json;
    out << "\n";
    const bool pass = ReportChecks(checks, out, checks_json);
    out << (pass ? "\nPASS" : "\nFAIL") << "\n";

    json::array unfinished_json;
    for (const auto& u : all.unfinished) unfinished_json.push_back(json::string(u));
    result["config"] = json::object{{"duration_s", o.duration.count() / 1000.0},
                                    {"kill_interval_s", o.kill_interval.count() / 1000.0},
                                    {"drop_every_s", o.drop_every.count() / 1000.0},
                                    {"concurrency", o.concurrency},
                                    {"buyers", o.buyers},
                                    {"units", o.units},
                                    {"per_buyer_limit", o.per_buyer_limit},
                                    {"decline_share", o.decline_share},
                                    {"replay_share", o.replay_share}};
    result["storm_seconds"] = storm_s;
    result["kills"] = kills_json;
    result["kills_total"] = kills_total;
    result["kills_skipped"] = kills.skipped;
    result["orders"] = all.orders;
    result["requests"] = all.requests;
    result["retries"] = all.retries;
    result["pending_then_final"] = all.pending_then_final;
    result["outcomes"] = outcomes_json;
    result["statuses"] = statuses_json;
    result["final_statuses"] = final_json;
    result["unfinished"] = unfinished_json;
    result["replays"] = json::object{{"sent", replays.sent},
                                     {"mismatches", replays.mismatches},
                                     {"unanswered", replays.unanswered},
                                     {"without_header", replays.without_header}};
    result["drops"] = drops_json;
    result["checks"] = checks_json;
    return pass;
  });
}

}  // namespace livedrop::loadgen
