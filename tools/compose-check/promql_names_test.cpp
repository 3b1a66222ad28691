#include "promql_names.h"

#include <gtest/gtest.h>

namespace livedrop::compose_check {
namespace {

using Names = std::set<std::string>;

TEST(PromQLMetricNames, AggregationWithByBeforeItsArgument_NamesOnlyTheMetric) {
  EXPECT_EQ(PromQLMetricNames("histogram_quantile(0.99, sum by (le, route) "
                              "(rate(livedrop_http_request_duration_seconds_bucket"
                              "{route!~\"/healthz|/readyz\"}[$__rate_interval])))"),
            Names{"livedrop_http_request_duration_seconds_bucket"});
}

TEST(PromQLMetricNames, BinaryExpressionWithMatchingAndOffset_NamesBothSides) {
  EXPECT_EQ(PromQLMetricNames("sum(rate(a_total{result=\"hit\"}[5m])) by (cache) / on (cache) "
                              "group_left sum by (cache) (b_total offset 1h) > bool 0.5"),
            (Names{"a_total", "b_total"}));
}

TEST(PromQLMetricNames, LabelNamesStringsAndVariables_AreNotMetrics) {
  EXPECT_EQ(PromQLMetricNames("max without (instance) (up{job=~\"livedrop-.*\", "
                              "instance=\"$instance\"}) and on() vector(1)"),
            Names{"up"});
  EXPECT_EQ(PromQLMetricNames("count_values(\"v\", x) or topk(3, y)"), (Names{"x", "y"}));
}

TEST(ExportedMetricNames, HistogramFamily_OffersItsSeriesNames) {
  const Names names = ExportedMetricNames(
      "# HELP lag_seconds Lag\n# TYPE lag_seconds histogram\n"
      "# HELP hits_total Hits\n# TYPE hits_total counter\nhits_total{cache=\"x\"} 3\n"
      "process_open_fds 12\n");
  EXPECT_EQ(names, (Names{"lag_seconds", "lag_seconds_bucket", "lag_seconds_sum",
                          "lag_seconds_count", "hits_total", "process_open_fds"}));
}

}  // namespace
}  // namespace livedrop::compose_check
