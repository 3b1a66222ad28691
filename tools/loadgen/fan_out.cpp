// fan-out: W WebSocket connections of distinct users, most following one creator; the
// creator's drop starts and every connection's receipt of drop_started is timed against the
// drop's scheduled start. Baseline in the same run: WebSocket ping/pong round trips (and
// GET /healthz on a kept-alive connection) on the same gateway with the same W connections open.
#include <algorithm>
#include <boost/json.hpp>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "fan_out_logic.h"
#include "gateway_api.h"
#include "http_connection.h"
#include "livedrop/config/config.h"
#include "livedrop/core/time.h"
#include "report.h"
#include "run_plan.h"
#include "run_setup.h"
#include "scenario_flags.h"
#include "scenarios.h"
#include "stats.h"
#include "ws_client.h"

namespace livedrop::loadgen {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kProgram = "livedrop-loadgen fan-out";
constexpr const char* kRssMetric = "process_resident_memory_bytes";
constexpr const char* kOpenFdsMetric = "process_open_fds";

struct Options : AccountFlags {
  HttpEndpoint gateway, gateway_metrics;
  std::vector<int> connections;  // ascending; one step per value
  double non_follower_share = 0;
  milliseconds start_delay{0}, receive_timeout{0}, ready_timeout{0}, linger{0}, max_p99{0};
  int connect_concurrency = 0, io_threads = 0, follow_concurrency = 0;
  int ping_samples = 0;
};

Options ParseOptions(int argc, char** argv) {
  config::Spec spec(
      kProgram,
      "Opens W WebSocket connections (GET /v1/ws) of distinct users, all but a share of them "
      "following one creator, schedules a drop of that creator and times every connection's "
      "receipt of drop_started from the drop's scheduled start; reports missing, duplicate and "
      "wrongly delivered notifications, failed connections and the gateway's memory per idle "
      "connection, next to a ping/pong baseline taken in the same run. Exit 0 when every check "
      "passed, 1 when one failed, 2 for bad flags, 3 when the run could not be carried out.");
  spec.String("gateway", "Gateway base URL", "http://127.0.0.1:8080")
      .String("gateway-metrics",
              "Gateway metrics URL (resident memory), on its admin port; empty: <gateway>/metrics",
              "http://127.0.0.1:9080/metrics")
      .String("connections",
              "W, or an ascending sweep such as 1000,5000,10000 (one full run per value)", "10000")
      .String("non-follower-share",
              "Share of the W users that do not follow the creator and must receive nothing about "
              "the drop (0..1)",
              "0.1")
      .Duration("start-delay", "The drop starts this long after every connection is ready",
                milliseconds(5000))
      .Duration("receive-timeout", "How long after the scheduled start to wait for deliveries",
                milliseconds(10000))
      .Duration("linger",
                "Once every follower has the notification, keep listening this long for "
                "duplicates and wrong deliveries",
                milliseconds(1000))
      .Duration("ready-timeout",
                "How long opening all W connections (to their ready frame) may take",
                milliseconds(180000))
      .Duration("max-p99", "Fail when the p99 delivery delay exceeds this", milliseconds(2000))
      .Int("connect-concurrency", "Connections being opened (not yet ready) at once", 200, 1,
           100000)
      .Int("io-threads", "io_context threads of the WebSocket clients", 2, 1, 64)
      .Int("ping-samples", "WebSocket ping/pong and GET /healthz samples of the baseline", 200, 1,
           100000)
      .Int("follow-concurrency", "Follow/unfollow calls at once during set-up", 16, 1, 256);
  AddAccountFlags(
      spec,
      "Users are loadgen-<run-id>-buyer-<i>@loadgen.livedrop.test (shared with drop-storm), the "
      "creator loadgen-<run-id>-fanout-creator-0: the same run id reuses them");
  const auto cfg = config::ParseOrExit(spec, argc, argv);

  Options o;
  std::vector<std::string> problems;
  if (auto g = ParseHttpUrl(cfg.GetString("gateway"))) {
    o.gateway = *g;
  } else {
    problems.push_back("--gateway: not an http://host:port URL");
  }
  if (cfg.GetString("gateway-metrics").empty()) {
    o.gateway_metrics = o.gateway;
    o.gateway_metrics.path = o.gateway.path + "/metrics";
  } else if (auto m = ParseHttpUrl(cfg.GetString("gateway-metrics"))) {
    o.gateway_metrics = *m;
  } else {
    problems.push_back("--gateway-metrics: not an http://host:port URL");
  }
  if (auto counts = ParseConnectionCounts(cfg.GetString("connections"))) {
    o.connections = *counts;
  } else {
    problems.push_back("--connections: a positive number or a list such as 1000,5000,10000");
  }
  if (auto share = ParseShare(cfg.GetString("non-follower-share"))) {
    o.non_follower_share = *share;
  } else {
    problems.push_back("--non-follower-share: must be a number from 0 to 1");
  }
  o.start_delay = cfg.GetDuration("start-delay");
  o.receive_timeout = cfg.GetDuration("receive-timeout");
  o.linger = cfg.GetDuration("linger");
  o.ready_timeout = cfg.GetDuration("ready-timeout");
  o.max_p99 = cfg.GetDuration("max-p99");
  if (o.ready_timeout.count() <= 0) problems.push_back("--ready-timeout: must be positive");
  if (o.max_p99.count() <= 0) problems.push_back("--max-p99: must be positive");
  o.connect_concurrency = static_cast<int>(cfg.GetInt("connect-concurrency"));
  o.io_threads = static_cast<int>(cfg.GetInt("io-threads"));
  o.ping_samples = static_cast<int>(cfg.GetInt("ping-samples"));
  o.follow_concurrency = static_cast<int>(cfg.GetInt("follow-concurrency"));
  static_cast<AccountFlags&>(o) = ReadAccountFlags(cfg, problems);
  ExitOnFlagProblems(kProgram, problems);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Set-up

std::vector<double> HealthzLatencies(const HttpEndpoint& gateway, int samples) {
  HttpConnection http(gateway.host, gateway.port, std::chrono::seconds(5));
  std::vector<double> ms;
  http.Get(gateway.path + "/healthz");  // connect outside the samples
  for (int i = 0; i < samples; ++i) {
    const auto a = http.Get(gateway.path + "/healthz");
    if (a.status == 200) ms.push_back(a.ms);
  }
  return ms;
}

// ---------------------------------------------------------------------------------------------
// One run at one W

struct StepResult {
  int connections = 0;
  bool pass = false;
  double p99_ms = 0;
  std::optional<double> p99_ratio;
  json::object json;
};

StepResult RunStep(const Options& o, int w, const Account& creator,
                   const std::vector<Account>& users, std::ostream& out) {
  StepResult step;
  step.connections = w;
  std::vector<bool> is_follower(static_cast<std::size_t>(w));
  for (int i = 0; i < w; ++i) {
    is_follower[static_cast<std::size_t>(i)] = !IsNonFollower(i, o.non_follower_share);
  }
  const auto followers =
      static_cast<long long>(std::count(is_follower.begin(), is_follower.end(), true));
  out << "\n== W = " << w << " connections (" << followers << " followers, " << (w - followers)
      << " non-followers)\n";

  const auto rss_before = ScrapeGauge(o.gateway_metrics, kRssMetric);
  const auto fds_before = ScrapeGauge(o.gateway_metrics, kOpenFdsMetric);

  WsFleet fleet({o.gateway.host, o.gateway.port, o.gateway.path + "/v1/ws", o.io_threads});
  std::vector<std::string> tokens;
  tokens.reserve(static_cast<std::size_t>(w));
  for (int i = 0; i < w; ++i) tokens.push_back(users[static_cast<std::size_t>(i)].access_token);
  const auto open_start = SteadyClock::now();
  fleet.Open(tokens, o.connect_concurrency, &IsReadyFrame, o.ready_timeout);
  const double open_s = std::chrono::duration<double>(SteadyClock::now() - open_start).count();
  out << "open: " << fleet.ReadyCount() << " of " << w << " ready in " << Fixed(open_s, 2) << " s ("
      << Fixed(open_s > 0 ? fleet.ReadyCount() / open_s : 0, 0) << " connections/s, "
      << o.connect_concurrency << " opening at once), " << fleet.FailedCount() << " failed\n";

  // Idle connections settle (buffers, interest sets) before the memory sample.
  std::this_thread::sleep_for(milliseconds(500));
  const auto rss_after = ScrapeGauge(o.gateway_metrics, kRssMetric);
  const auto fds_after = ScrapeGauge(o.gateway_metrics, kOpenFdsMetric);
  std::optional<double> bytes_per_connection;
  if (rss_before && rss_after && fleet.ReadyCount() > 0) {
    bytes_per_connection = (*rss_after - *rss_before) / static_cast<double>(fleet.ReadyCount());
    out << "gateway memory: " << Fixed(*rss_before / 1048576.0, 1) << " MiB -> "
        << Fixed(*rss_after / 1048576.0, 1) << " MiB, " << Fixed(*bytes_per_connection / 1024.0, 1)
        << " KiB per idle connection; open fds " << Fixed(fds_before.value_or(0), 0) << " -> "
        << Fixed(fds_after.value_or(0), 0) << "\n";
  } else {
    out << "gateway memory: " << kRssMetric << " not readable at " << o.gateway_metrics.host << ":"
        << o.gateway_metrics.port << o.gateway_metrics.path << "\n";
  }

  // Baseline, with all W connections open, right before the drop.
  const auto ping = Summarize(fleet.PingRoundTrips(o.ping_samples, milliseconds(2000)));
  const auto healthz = Summarize(HealthzLatencies(o.gateway, o.ping_samples));
  out << "baseline: WebSocket ping/pong p50 " << Fixed(ping.p50, 2) << " / p99 "
      << Fixed(ping.p99, 2) << " ms (" << ping.count << " of " << o.ping_samples
      << " answered); GET /healthz keep-alive p50 " << Fixed(healthz.p50, 2) << " / p99 "
      << Fixed(healthz.p99, 2) << " ms\n";

  // The drop.
  GatewayApi api(o.gateway);
  const auto product = api.CreateProduct(creator.access_token, "Loadgen fan-out tee", 2500, "EUR");
  const auto starts = Now() + std::chrono::duration_cast<std::chrono::microseconds>(o.start_delay);
  // Milliseconds, as the API carries them: the delay is measured from exactly what was asked.
  const auto scheduled = ParseRfc3339(FormatRfc3339(starts)).value_or(starts);
  const auto ends = scheduled + std::chrono::duration_cast<std::chrono::microseconds>(
                                    o.receive_timeout + o.linger + std::chrono::minutes(2));
  const auto drop_id = api.CreateDrop(creator.access_token, product, FormatRfc3339(scheduled),
                                      FormatRfc3339(ends), 100, 1);
  fleet.Watch({drop_id, "drop_started"}, is_follower);
  out << "drop " << drop_id << " starts " << FormatRfc3339(scheduled) << "\n" << std::flush;

  // Wait for every ready follower (or the deadline), then linger for strays.
  const auto deadline =
      scheduled + std::chrono::duration_cast<std::chrono::microseconds>(o.receive_timeout);
  while (Now() < deadline && fleet.MatchedCount() < followers) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  const bool all_in = fleet.MatchedCount() >= followers;
  if (all_in) std::this_thread::sleep_for(o.linger);
  const double after_start_s = DelayMs(scheduled, Now()) / 1000.0;
  fleet.CloseAll(milliseconds(5000));
  const auto states = fleet.TakeStates();

  // Verdict.
  auto tally = TallyFleet(states, is_follower);
  const auto& logs = tally.logs;
  const long long failed = tally.failed, not_ready = tally.not_ready;
  const auto& failures = tally.failures;
  const auto& ready_ms = tally.ready_ms;
  const auto report = AnalyzeDeliveries(logs, drop_id, creator.user_id, scheduled);
  const auto delay = Summarize(report.delays_ms);
  const auto connect = Summarize(ready_ms);
  // The ping round trip is the baseline; /healthz stands in when the gateway answers no ping.
  std::optional<double> baseline_p99;
  const char* baseline_name = ping.count > 0 ? "ws_ping" : "healthz";
  if (ping.count > 0) {
    baseline_p99 = ping.p99;
  } else if (healthz.count > 0) {
    baseline_p99 = healthz.p99;
  }
  step.p99_ms = delay.p99;
  if (baseline_p99 && *baseline_p99 > 0 && delay.count > 0)
    step.p99_ratio = delay.p99 / *baseline_p99;

  out << "listened until " << Fixed(after_start_s, 2) << " s after the scheduled start ("
      << (all_in ? "every follower had it, then --linger" : "--receive-timeout") << ")\n";
  out << "\nbase: the p99 of the " << (ping.count > 0 ? "WebSocket ping/pong" : "GET /healthz")
      << " round trip\n"
      << std::left << std::setw(34) << "latency" << std::right << std::setw(8) << "count"
      << std::setw(10) << "p50 ms" << std::setw(10) << "p95 ms" << std::setw(10) << "p99 ms"
      << std::setw(10) << "max ms" << std::setw(14) << "p99 / base"
      << "\n";
  const auto row = [&](const std::string& name, const LatencySummary& s) {
    out << std::left << std::setw(34) << name << std::right << std::setw(8) << s.count
        << std::setw(10) << Fixed(s.p50, 2) << std::setw(10) << Fixed(s.p95, 2) << std::setw(10)
        << Fixed(s.p99, 2) << std::setw(10) << Fixed(s.max, 2) << std::setw(14)
        << Ratio(s.p99, baseline_p99) << "\n";
  };
  row("ws ping/pong (baseline)", ping);
  row("GET /healthz keep-alive", healthz);
  row("connect -> ready frame", connect);
  row("starts_at -> drop_started", delay);
  out << "\nfollowers " << report.followers << ": delivered " << report.delivered << ", missing "
      << report.missing << "; non-followers " << report.non_followers << ": wrongly delivered "
      << report.wrongly_delivered << "; duplicates " << report.duplicates << "; other events "
      << report.other_events << "; unparsable frames " << report.unparsable << "\n";
  out << "connections failed or closed: " << failed << " (not ready: " << not_ready << ")\n";
  for (const auto& [why, n] : failures) out << "  " << n << " x " << why << "\n";
  for (const auto& e : report.examples) out << "  e.g. " << e << "\n";

  const std::vector<Check> checks{
      {"every follower received drop_started", report.missing == 0,
       std::to_string(report.missing) + " of " + std::to_string(report.followers) + " missing"},
      {"no duplicates", report.duplicates == 0, std::to_string(report.duplicates) + " duplicates"},
      {"non-followers received nothing about the drop", report.wrongly_delivered == 0,
       std::to_string(report.wrongly_delivered) + " wrongly delivered"},
      {"every connection opened and stayed open", failed == 0,
       std::to_string(failed) + " failed or closed"},
      {"p99 delivery delay within --max-p99",
       delay.count > 0 && delay.p99 <= static_cast<double>(o.max_p99.count()),
       "p99 " + Fixed(delay.p99, 1) + " ms, ceiling " + config::FormatDuration(o.max_p99)},
  };
  json::array checks_json;
  step.pass = ReportChecks(checks, out, checks_json);

  json::object failures_json;
  for (const auto& [why, n] : failures) failures_json[why] = n;
  step.json = json::object{
      {"connections", w},
      {"followers", report.followers},
      {"non_followers", report.non_followers},
      {"ready", fleet.ReadyCount()},
      {"open_seconds", open_s},
      {"connect_to_ready", SummaryJson(connect)},
      {"gateway_rss_before_bytes", OptionalNumber(rss_before)},
      {"gateway_rss_after_bytes", OptionalNumber(rss_after)},
      {"gateway_bytes_per_connection", OptionalNumber(bytes_per_connection)},
      {"baseline", json::object{{"ws_ping", SummaryJson(ping)}, {"healthz", SummaryJson(healthz)}}},
      {"drop_id", drop_id},
      {"starts_at", FormatRfc3339(scheduled)},
      {"delivery", SummaryJson(delay)},
      {"baseline_used", baseline_name},
      {"p99_per_baseline_p99", OptionalNumber(step.p99_ratio)},
      {"delivered", report.delivered},
      {"missing", report.missing},
      {"duplicates", report.duplicates},
      {"wrongly_delivered", report.wrongly_delivered},
      {"other_events", report.other_events},
      {"unparsable", report.unparsable},
      {"failed", failed},
      {"failures", failures_json},
      {"checks", checks_json},
      {"pass", step.pass}};
  return step;
}

}  // namespace

int RunFanOut(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::ostream& out = o.json_only ? std::cerr : std::cout;
  json::object result{{"scenario", "fan-out"}};
  const int w_max = o.connections.back();
  return RunScenario(kProgram, out, result, [&] {
    EnsureDescriptors(w_max);
    RequireGateway(o.gateway);
    out << "fan-out: W = ";
    for (std::size_t i = 0; i < o.connections.size(); ++i) {
      out << (i ? "," : "") << o.connections[i];
    }
    out << ", non-follower share " << o.non_follower_share << ", start delay "
        << config::FormatDuration(o.start_delay) << ", " << o.io_threads << " io threads\n";

    // Accounts, valid for the whole sweep.
    const auto per_step = o.ready_timeout / 4 + o.start_delay + o.receive_timeout + o.linger +
                          std::chrono::seconds(30);
    const auto validity = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::minutes(2) + per_step * static_cast<int>(o.connections.size()));
    const std::string prefix = "loadgen-" + o.run_id;
    const auto creator = EnsureAccounts(o.gateway, prefix + "-fanout-creator", "creator", 1, 1,
                                        o.token_cache, validity)
                             .front();
    const auto reg_start = SteadyClock::now();
    const auto users = EnsureAccounts(o.gateway, prefix + "-buyer", "buyer", w_max,
                                      o.register_concurrency, o.token_cache, validity);
    const double reg_s = std::chrono::duration<double>(SteadyClock::now() - reg_start).count();
    out << "accounts: " << w_max << " users ready in " << Fixed(reg_s, 1) << " s ("
        << o.register_concurrency << " registrations/logins at once; cached tokens reused)\n";

    // Follow graph: the role of user i depends only on i and the share, so it is simply
    // re-asserted (both calls are idempotent).
    const auto follow_start = SteadyClock::now();
    ParallelFor(o.gateway, w_max, o.follow_concurrency, [&](GatewayApi& api, int i) {
      const auto& u = users[static_cast<std::size_t>(i)];
      if (IsNonFollower(i, o.non_follower_share)) {
        api.Unfollow(u.access_token, creator.user_id);
      } else {
        api.Follow(u.access_token, creator.user_id);
      }
    });
    const double follow_s =
        std::chrono::duration<double>(SteadyClock::now() - follow_start).count();
    out << "follows: " << w_max << " follow/unfollow calls in " << Fixed(follow_s, 1) << " s\n";
    result["accounts_seconds"] = reg_s;
    result["follow_seconds"] = follow_s;
    result["creator_id"] = creator.user_id;

    bool pass = true;
    json::array runs;
    std::vector<StepResult> steps;
    for (const int w : o.connections) {
      auto step = RunStep(o, w, creator, users, out);
      pass = pass && step.pass;
      runs.push_back(step.json);
      steps.push_back(std::move(step));
      // Let the gateway release the closed connections before the next size.
      if (w != w_max) std::this_thread::sleep_for(std::chrono::seconds(2));
    }

    if (steps.size() > 1) {
      out << "\n"
          << std::left << std::setw(10) << "W" << std::right << std::setw(12) << "p99 ms"
          << std::setw(14) << "p99 / base" << std::setw(8) << "pass"
          << "\n";
      for (const auto& s : steps) {
        out << std::left << std::setw(10) << s.connections << std::right << std::setw(12)
            << Fixed(s.p99_ms, 1) << std::setw(14) << (s.p99_ratio ? Fixed(*s.p99_ratio, 2) : "n/a")
            << std::setw(8) << (s.pass ? "yes" : "NO") << "\n";
      }
      // Where it bends: the first size that fails, or whose p99 more than doubles the smallest's.
      const auto& first = steps.front();
      std::optional<int> bend;
      for (const auto& s : steps) {
        if (!s.pass || (first.p99_ms > 0 && s.p99_ms > 2 * first.p99_ms)) {
          bend = s.connections;
          break;
        }
      }
      out << "bends at: " << (bend ? "W = " + std::to_string(*bend) : "not within this sweep")
          << "\n";
      result["bends_at"] = bend ? json::value(*bend) : json::value(nullptr);
    }
    out << (pass ? "\nPASS" : "\nFAIL") << "\n";

    result["config"] = json::object{{"non_follower_share", o.non_follower_share},
                                    {"start_delay_ms", o.start_delay.count()},
                                    {"receive_timeout_ms", o.receive_timeout.count()},
                                    {"max_p99_ms", o.max_p99.count()},
                                    {"connect_concurrency", o.connect_concurrency},
                                    {"io_threads", o.io_threads}};
    result["runs"] = runs;
    return pass;
  });
}

}  // namespace livedrop::loadgen
