#include <gtest/gtest.h>

#include <cmath>

#include "livedrop/metrics/admin_server.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/testing/process.h"

namespace livedrop::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Registry, CounterAndGauge_RenderWithEscapedLabels) {
  Registry r;
  r.GetCounter("jobs_total", "Jobs done", {{"kind", "a\"b\\c\nd"}}).Inc(3);
  r.GetGauge("queue_depth", "Items waiting").Set(7);
  r.GetGauge("queue_depth", "Items waiting").Dec(2);
  const auto text = r.Render();
  EXPECT_NE(text.find("# HELP jobs_total Jobs done\n# TYPE jobs_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("jobs_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("queue_depth 5\n"), std::string::npos);
}

TEST(Registry, SameNameAndLabels_IsTheSameMetric) {
  Registry r;
  auto& a = r.GetCounter("x_total", "x", {{"l", "1"}});
  auto& b = r.GetCounter("x_total", "x", {{"l", "1"}});
  auto& c = r.GetCounter("x_total", "x", {{"l", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(Registry, Histogram_RendersCumulativeBucketsSumAndCount) {
  Registry r;
  auto& h = r.GetHistogram("latency_seconds", "Latency", {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);
  h.Observe(0.5);
  h.Observe(3);
  const auto text = r.Render();
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum 3.65\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count 4\n"), std::string::npos);
}

TEST(Registry, GaugeCallback_IsReadAtRenderTime) {
  Registry r;
  double value = 1;
  r.AddGaugeCallback("invariant_ok", "1 when it holds", [&] { return value; });
  EXPECT_NE(r.Render().find("invariant_ok 1\n"), std::string::npos);
  value = 0;
  EXPECT_NE(r.Render().find("invariant_ok 0\n"), std::string::npos);
}

TEST(Registry, OneNameTwoTypes_IsRefused) {
  Registry r;
  r.GetCounter("dup", "d");
  EXPECT_ANY_THROW(r.GetGauge("dup", "d"));
}

TEST(AdminServer, ServesHealthReadinessAndMetrics) {
  std::atomic<bool> ready{false};
  AdminServer admin("127.0.0.1:0", [&] { return ready.load(); });
  admin.Start();
  EXPECT_EQ(testing::HttpGetStatus(admin.port(), "/healthz"), 200);
  EXPECT_EQ(testing::HttpGetStatus(admin.port(), "/readyz"), 503);
  ready = true;
  EXPECT_EQ(testing::HttpGetStatus(admin.port(), "/readyz"), 200);
  EXPECT_EQ(testing::HttpGetStatus(admin.port(), "/metrics"), 200);
  EXPECT_EQ(testing::HttpGetStatus(admin.port(), "/nope"), 404);
  admin.Stop();
}

}  // namespace
}  // namespace livedrop::metrics
