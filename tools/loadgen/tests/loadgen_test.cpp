#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <stdexcept>

#include "order_outcome.h"
#include "pgbench_report.h"
#include "report.h"
#include "run_plan.h"
#include "stats.h"

namespace livedrop::loadgen {
namespace {

TEST(Percentile, EmptyIsZero) { EXPECT_EQ(PercentileOfSorted({}, 50), 0); }

TEST(Percentile, NearestRankOfOneToHundred) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(i);
  EXPECT_EQ(PercentileOfSorted(v, 50), 50);
  EXPECT_EQ(PercentileOfSorted(v, 95), 95);
  EXPECT_EQ(PercentileOfSorted(v, 99), 99);
  EXPECT_EQ(PercentileOfSorted(v, 100), 100);
  EXPECT_EQ(PercentileOfSorted(v, 0), 1);
}

TEST(Percentile, FewSamplesAreNeverInterpolated) {
  const std::vector<double> v{10, 20, 30};
  EXPECT_EQ(PercentileOfSorted(v, 50), 20);
  EXPECT_EQ(PercentileOfSorted(v, 95), 30);
  EXPECT_EQ(PercentileOfSorted({7}, 99), 7);
}

TEST(Summarize, SortsAndReportsMaxAndMean) {
  const auto s = Summarize({5, 1, 4, 2, 3});
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.p50, 3);
  EXPECT_EQ(s.max, 5);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_EQ(Summarize({}).count, 0u);
}

TEST(ProblemCode, ReadsCodeOfProblemJson) {
  EXPECT_EQ(ProblemCode(R"({"type":"https://livedrop.dev/problems/sold_out","title":"Conflict",)"
                        R"("status":409,"code":"sold_out","request_id":"r1"})"),
            "sold_out");
}

TEST(ProblemCode, EmptyForNonJsonOrMissingOrNonStringCode) {
  EXPECT_EQ(ProblemCode("<html>busy</html>"), "");
  EXPECT_EQ(ProblemCode(R"({"status":503})"), "");
  EXPECT_EQ(ProblemCode(R"({"code":42})"), "");
  EXPECT_EQ(ProblemCode(R"(["code"])"), "");
  EXPECT_EQ(ProblemCode(""), "");
}

TEST(ClassifyOrderAnswer, MapsContractOutcomes) {
  const auto confirmed =
      ClassifyOrderAnswer(201, R"({"id":"o-1","status":"confirmed","drop_id":"d","quantity":1})");
  EXPECT_EQ(confirmed.outcome, Outcome::kConfirmed);
  EXPECT_EQ(confirmed.order_id, "o-1");
  EXPECT_EQ(ClassifyOrderAnswer(409, R"({"code":"sold_out"})").outcome, Outcome::kSoldOut);
  EXPECT_EQ(ClassifyOrderAnswer(409, R"({"code":"limit_exceeded"})").outcome,
            Outcome::kLimitExceeded);
  EXPECT_EQ(ClassifyOrderAnswer(402, R"({"code":"payment_declined"})").outcome,
            Outcome::kPaymentDeclined);
}

TEST(ClassifyOrderAnswer, EverythingElseIsOtherWithItsCode) {
  const auto pending = ClassifyOrderAnswer(202, R"({"id":"o-1","status":"pending"})");
  EXPECT_EQ(pending.outcome, Outcome::kOther);
  EXPECT_EQ(pending.code, "pending");
  EXPECT_EQ(pending.order_id, "o-1");
  EXPECT_EQ(ClassifyOrderAnswer(429, R"({"code":"overloaded"})").outcome, Outcome::kOther);
  EXPECT_EQ(ClassifyOrderAnswer(0, "").outcome, Outcome::kOther);
  // A sold_out code under the wrong status is not trusted.
  EXPECT_EQ(ClassifyOrderAnswer(500, R"({"code":"sold_out"})").outcome, Outcome::kOther);
  // 201 that is not a confirmed order.
  EXPECT_EQ(ClassifyOrderAnswer(201, R"({"id":"o-1","status":"pending"})").outcome,
            Outcome::kOther);
  EXPECT_EQ(ClassifyOrderAnswer(201, "not json").outcome, Outcome::kOther);
}

constexpr const char* kPgbench15 =
    "pgbench (15.10 (Debian 15.10-0+deb12u1))\n"
    "transaction type: /tmp/script.sql\n"
    "scaling factor: 1\n"
    "query mode: prepared\n"
    "number of clients: 64\n"
    "number of threads: 2\n"
    "maximum number of tries: 1\n"
    "duration: 10 s\n"
    "number of transactions actually processed: 23456\n"
    "number of failed transactions: 0 (0.000%)\n"
    "latency average = 27.301 ms\n"
    "initial connection time = 45.118 ms\n"
    "tps = 2344.217531 (without initial connection time)\n";

TEST(PgbenchOutput, ParsesPostgres15Summary) {
  const auto r = ParsePgbenchOutput(kPgbench15);
  ASSERT_TRUE(r.tps);
  EXPECT_DOUBLE_EQ(*r.tps, 2344.217531);
  EXPECT_EQ(r.transactions, 23456);
  EXPECT_EQ(r.failed, 0);
  ASSERT_TRUE(r.latency_avg_ms);
  EXPECT_DOUBLE_EQ(*r.latency_avg_ms, 27.301);
}

TEST(PgbenchOutput, PrefersTpsExcludingConnectionsInOlderFormat) {
  const auto r = ParsePgbenchOutput(
      "number of transactions actually processed: 100\r\n"
      "tps = 90.5 (including connections establishing)\r\n"
      "tps = 99.25 (excluding connections establishing)\r\n");
  ASSERT_TRUE(r.tps);
  EXPECT_DOUBLE_EQ(*r.tps, 99.25);
  EXPECT_EQ(r.transactions, 100);
  EXPECT_FALSE(r.failed);
}

TEST(PgbenchOutput, NoTpsWhenPgbenchFailed) {
  const auto r = ParsePgbenchOutput(
      "pgbench: error: connection to server at \"127.0.0.1\", port 55432 failed: "
      "FATAL:  sorry, too many clients already\n");
  EXPECT_FALSE(r.tps);
  EXPECT_FALSE(r.transactions);
}

TEST(WithDatabase, ReplacesDatabaseOfUrlKeepingParameters) {
  EXPECT_EQ(WithDatabase("postgresql://livedrop@127.0.0.1:55432/livedrop", "livedrop_bench"),
            "postgresql://livedrop@127.0.0.1:55432/livedrop_bench");
  EXPECT_EQ(WithDatabase("postgres://u:p@h:1/db?sslmode=disable", "b"),
            "postgres://u:p@h:1/b?sslmode=disable");
  EXPECT_EQ(WithDatabase("postgresql://h:1", "b"), "postgresql://h:1/b");
  EXPECT_EQ(WithDatabase("postgresql://h?host=/tmp", "b"), "postgresql://h/b?host=/tmp");
}

TEST(WithDatabase, ReplacesOrAddsDbnameOfConninfo) {
  EXPECT_EQ(WithDatabase("host=/tmp port=5 dbname=livedrop user=x", "b"),
            "host=/tmp port=5 dbname=b user=x");
  EXPECT_EQ(WithDatabase("host=/tmp", "b"), "host=/tmp dbname=b");
}

TEST(AttemptPlan, OnceNumberOrDuration) {
  EXPECT_EQ(ParseAttemptPlan("once")->kind, AttemptPlan::Kind::kEveryBuyerOnce);
  EXPECT_EQ(ParseAttemptPlan("")->kind, AttemptPlan::Kind::kEveryBuyerOnce);
  const auto count = ParseAttemptPlan("5000");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->kind, AttemptPlan::Kind::kCount);
  EXPECT_EQ(count->count, 5000);
  const auto duration = ParseAttemptPlan("30s");
  ASSERT_TRUE(duration);
  EXPECT_EQ(duration->kind, AttemptPlan::Kind::kDuration);
  EXPECT_EQ(duration->duration, std::chrono::seconds(30));
  EXPECT_FALSE(ParseAttemptPlan("0"));
  EXPECT_FALSE(ParseAttemptPlan("-3"));
  EXPECT_FALSE(ParseAttemptPlan("soon"));
  EXPECT_FALSE(ParseAttemptPlan("30x"));
}

TEST(HttpUrl, HostPortAndPath) {
  const auto a = ParseHttpUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->path, "");
  const auto b = ParseHttpUrl("http://localhost:9006/metrics");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->path, "/metrics");
  const auto c = ParseHttpUrl("127.0.0.1:8080/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->path, "");
  const auto v6 = ParseHttpUrl("http://[::1]:8080/api/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->path, "/api");
  EXPECT_EQ(ParseHttpUrl("http://example.com")->port, 80);
  EXPECT_FALSE(ParseHttpUrl("https://127.0.0.1:8443"));
  EXPECT_FALSE(ParseHttpUrl("http://:8080"));
  EXPECT_FALSE(ParseHttpUrl("http://h:99999"));
}

TEST(Prometheus, SumsEveryLabelSetOfOneMetricOnly) {
  const char* text =
      "# HELP livedrop_payment_provider_captures_total Captures.\n"
      "# TYPE livedrop_payment_provider_captures_total counter\n"
      "livedrop_payment_provider_captures_total{provider=\"test\",result=\"ok\"} 12\n"
      "livedrop_payment_provider_captures_total{provider=\"other\"} 3\n"
      "livedrop_payment_provider_captures_total_created 1.7e9\n"
      "livedrop_payment_provider_captures 99\n";
  EXPECT_EQ(SumPrometheusSamples(text, "livedrop_payment_provider_captures_total"), 15);
  EXPECT_EQ(SumPrometheusSamples("x_total 4\n", "x_total"), 4);
  EXPECT_FALSE(SumPrometheusSamples(text, "livedrop_missing_total"));
}

TEST(Share, BetweenZeroAndOne) {
  EXPECT_EQ(ParseShare("0.1"), 0.1);
  EXPECT_EQ(ParseShare("0"), 0);
  EXPECT_EQ(ParseShare("1"), 1);
  EXPECT_FALSE(ParseShare("1.5"));
  EXPECT_FALSE(ParseShare("-0.1"));
  EXPECT_FALSE(ParseShare("10%"));
  EXPECT_FALSE(ParseShare(""));
}

TEST(RunId, LowerCaseLettersDigitsDashAndUnderscoreOnly) {
  EXPECT_TRUE(IsRunId("default"));
  EXPECT_TRUE(IsRunId("run-2_b"));
  EXPECT_FALSE(IsRunId("Run"));
  EXPECT_FALSE(IsRunId("a b"));
  EXPECT_FALSE(IsRunId("a@b"));
}

TEST(ExitOnFlagProblems, ReturnsWithoutProblems) { ExitOnFlagProblems("prog", {}); }

TEST(ExitOnFlagProblemsDeathTest, ExitsTwoNamingEachProblem) {
  EXPECT_EXIT(ExitOnFlagProblems("prog", {"--a: bad", "--b: worse"}), testing::ExitedWithCode(2),
              "prog: error: --a: bad\nprog: error: --b: worse");
}

TEST(ReportChecks, PrintsEveryCheckAndPassesOnlyWhenAllDo) {
  std::ostringstream out;
  boost::json::array json;
  EXPECT_FALSE(ReportChecks({{"a", true, "fine"}, {"b", false, "2 missing"}}, out, json));
  EXPECT_EQ(out.str(), "checks:\n  ok    a: fine\n  FAIL  b: 2 missing\n");
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[1].at("name").as_string(), "b");
  EXPECT_FALSE(json[1].at("ok").as_bool());
  boost::json::array none;
  EXPECT_TRUE(ReportChecks({}, out, none));
}

TEST(RunScenario, ExitCodeAndResultLineFollowTheBody) {
  std::ostringstream out;
  boost::json::object result{{"scenario", "t"}};
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunScenario("prog", out, result, [] { return true; }), 0);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), R"({"scenario":"t","pass":true})"
                                                    "\n");
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunScenario("prog", out, result, [] { return false; }), 1);
  testing::internal::GetCapturedStdout();
  EXPECT_FALSE(result.at("pass").as_bool());
  EXPECT_TRUE(out.str().empty());
}

TEST(RunScenario, ThrowingBodyIsExitThreeWithTheError) {
  std::ostringstream out;
  boost::json::object result{{"scenario", "t"}};
  testing::internal::CaptureStdout();
  const int code =
      RunScenario("prog", out, result, []() -> bool { throw std::runtime_error("no gateway"); });
  const auto line = testing::internal::GetCapturedStdout();
  EXPECT_EQ(code, 3);
  EXPECT_EQ(out.str(), "prog: run failed: no gateway\n");
  EXPECT_EQ(result.at("error").as_string(), "no gateway");
  EXPECT_FALSE(result.at("pass").as_bool());
  EXPECT_EQ(line, boost::json::serialize(result) + "\n");
}

}  // namespace
}  // namespace livedrop::loadgen
