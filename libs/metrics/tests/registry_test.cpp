#include "livedrop/metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "livedrop/core/error.h"

namespace livedrop::metrics {
namespace {

TEST(Registry, CounterAndGauge_RenderExactly) {
  Registry r;
  r.GetCounter("jobs_total", "Jobs done.", {{"kind", "a"}}).Inc(3);
  r.GetCounter("jobs_total", "Jobs done.", {{"kind", "b"}}).Inc();
  auto& depth = r.GetGauge("queue_depth", "Items waiting.");
  depth.Set(7);
  depth.Dec(2);
  depth.Inc(0.5);
  EXPECT_EQ(r.Render(),
            "# HELP jobs_total Jobs done.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"a\"} 3\n"
            "jobs_total{kind=\"b\"} 1\n"
            "# HELP queue_depth Items waiting.\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth 5.5\n");
}

TEST(Registry, LabelValuesAndHelp_AreEscaped) {
  Registry r;
  r.GetCounter("esc_total", "Back\\slash and\nnewline", {{"b", "x"}, {"a", "q\"b\\c\nd"}}).Inc();
  EXPECT_EQ(r.Render(),
            "# HELP esc_total Back\\\\slash and\\nnewline\n"
            "# TYPE esc_total counter\n"
            "esc_total{a=\"q\\\"b\\\\c\\nd\",b=\"x\"} 1\n");
}

TEST(Registry, Counter_IgnoresNegativeIncrements) {
  Registry r;
  auto& c = r.GetCounter("c_total", "c");
  c.Inc(2);
  c.Inc(-5);
  EXPECT_EQ(c.Value(), 2);
}

TEST(Registry, CacheEvictionCounter_CountsEvictionsByCache) {
  Registry r;
  const auto evicted = CacheEvictionCounter("roles", r);
  evicted();
  evicted();
  EXPECT_NE(r.Render().find("livedrop_cache_evictions_total{cache=\"roles\"} 2"),
            std::string::npos);
}

TEST(Registry, SameNameAndLabels_IsTheSameMetric) {
  Registry r;
  auto& a = r.GetCounter("x_total", "x", {{"l", "1"}});
  auto& b = r.GetCounter("x_total", "x", {{"l", "1"}});
  auto& c = r.GetCounter("x_total", "x", {{"l", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Registry, Histogram_RendersCumulativeBucketsSumAndCountExactly) {
  Registry r;
  auto& h =
      r.GetHistogram("latency_seconds", "Latency.", {1, 0.1, 0.1, INFINITY}, {{"route", "/x"}});
  EXPECT_EQ(h.bounds(), (std::vector<double>{0.1, 1}));  // sorted, deduplicated, no +Inf
  h.Observe(0.05);
  h.Observe(0.1);  // on the bound: counts in le="0.1"
  h.Observe(0.5);
  h.Observe(3);
  EXPECT_EQ(r.Render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
            "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "latency_seconds_sum{route=\"/x\"} 3.65\n"
            "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST(Registry, DefaultLatencyBuckets_AreSecondsFromAMillisecondToTenSeconds) {
  const auto b = DefaultLatencyBuckets();
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(b.front(), 0.001);
  EXPECT_EQ(b.back(), 10);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

TEST(Registry, ConcurrentUpdates_AreAllCounted) {
  Registry r;
  auto& c = r.GetCounter("hits_total", "h");
  auto& h = r.GetHistogram("h_seconds", "h", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(i % 2 == 0 ? 0.1 : 1.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
  EXPECT_EQ(h.Count(), 40000u);
  EXPECT_EQ(h.CumulativeCounts(), (std::vector<std::uint64_t>{20000, 40000}));
}

TEST(Registry, GaugeCallback_IsReadAtRenderTimeAndCanBeRemoved) {
  Registry r;
  double value = 1;
  r.AddGaugeCallback("invariant_ok", "1 when it holds", [&] { return value; });
  EXPECT_NE(r.Render().find("invariant_ok 1\n"), std::string::npos);
  value = 0;
  EXPECT_NE(r.Render().find("invariant_ok 0\n"), std::string::npos);
  r.RemoveGaugeCallback("invariant_ok");
  EXPECT_EQ(r.Render(), "");
}

TEST(Registry, GaugeCallbackThatThrows_RendersNaN) {
  Registry r;
  r.AddGaugeCallback("broken", "b", []() -> double { throw std::runtime_error("x"); });
  EXPECT_NE(r.Render().find("broken NaN\n"), std::string::npos);
}

TEST(Registry, Collector_AppendsItsTextAndCanBeRemoved) {
  Registry r;
  r.GetGauge("g", "g").Set(1);
  const int id = r.AddCollector([](std::string& out) {
    out += "# HELP ext_total External.\n# TYPE ext_total counter\next_total 9\n";
  });
  EXPECT_EQ(r.Render(),
            "# HELP g g\n# TYPE g gauge\ng 1\n"
            "# HELP ext_total External.\n# TYPE ext_total counter\next_total 9\n");
  r.RemoveCollector(id);
  EXPECT_EQ(r.Render(), "# HELP g g\n# TYPE g gauge\ng 1\n");
}

TEST(Registry, OneNameTwoTypes_IsRefused) {
  Registry r;
  r.GetCounter("dup", "d");
  EXPECT_THROW(r.GetGauge("dup", "d"), Error);
}

TEST(Registry, InvalidNames_AreRefused) {
  Registry r;
  EXPECT_THROW(r.GetCounter("1abc", "x"), Error);
  EXPECT_THROW(r.GetCounter("a-b", "x"), Error);
  EXPECT_THROW(r.GetCounter("ok_total", "x", {{"bad-label", "v"}}), Error);
  EXPECT_THROW(r.GetHistogram("h_seconds", "x", {1}, {{"le", "1"}}), Error);
  EXPECT_NO_THROW(r.GetCounter("ns:ok_total", "x", {{"_l1", "v"}}));
}

TEST(ProcessMetrics, ReportPlausibleValues) {
  Registry r;
  RegisterProcessMetrics(r);
  const auto text = r.Render();
  const auto value = [&](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    EXPECT_NE(at, std::string::npos) << name;
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_GT(value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(value("process_open_fds"), 3);  // at least stdin, stdout, stderr
  const double now = static_cast<double>(std::time(nullptr));
  const double start = value("process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);
}

}  // namespace
}  // namespace livedrop::metrics
