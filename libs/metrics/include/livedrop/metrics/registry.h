#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

// Prometheus instrumentation. Look a metric up once (by name and labels) and keep the
// reference: updating it is a few atomic operations.
namespace livedrop::metrics {

using Labels = std::map<std::string, std::string>;

// Only goes up: a negative increment is ignored.
class Counter {
 public:
  void Inc(double by = 1) {
    if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
  }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  void Dec(double by = 1) { value_.fetch_sub(by, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // Upper bounds, sorted and deduplicated here; +Inf is implicit (and dropped if given).
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Cumulative counts per bound (+Inf last), sum and count — a consistent-enough snapshot.
  std::vector<std::uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, plus +Inf
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// Seconds: 1 ms … 10 s.
std::vector<double> DefaultLatencyBuckets();

// Families are keyed by name; each child by its label set. Names must match
// [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]* (not "le" on histograms);
// a bad name or one name used with two types throws livedrop::Error (kInvalidArgument,
// metric_invalid). The Get* calls take a lock: call them once and keep the reference, which
// stays valid as long as the registry.
class Registry {
 public:
  static Registry& Default();

  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<double>& buckets, const Labels& labels = {});
  // A gauge read when metrics are rendered (e.g. an invariant computed from the database).
  // Adding again with the same name and labels replaces the callback. A callback that throws
  // renders as NaN.
  void AddGaugeCallback(const std::string& name, const std::string& help,
                        std::function<double()> read, const Labels& labels = {});
  // For a callback that captures an object about to be destroyed.
  void RemoveGaugeCallback(const std::string& name, const Labels& labels = {});
  // Appends ready-made exposition text (whole families, HELP/TYPE included) to each Render().
  // Returns an id for RemoveCollector.
  int AddCollector(std::function<void(std::string& out)> collect);
  void RemoveCollector(int id);

  // Text exposition format 0.0.4, families sorted by name.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    std::string help;
    Type type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> callbacks;
  };
  Family& FamilyFor(const std::string& name, const std::string& help, Type type,
                    const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::map<int, std::function<void(std::string&)>> collectors_;
  int next_collector_ = 1;
};

// Callback gauges process_resident_memory_bytes (/proc/self/statm), process_open_fds
// (/proc/self/fd) and process_start_time_seconds (seconds since the epoch). Idempotent.
void RegisterProcessMetrics(Registry& registry = Registry::Default());

// The on_evict hook of a livedrop::BoundedCache: counts livedrop_cache_evictions_total{cache},
// entries an in-process cache dropped to stay within its bound (a steady rate means the bound
// is too small for the working set).
std::function<void()> CacheEvictionCounter(const std::string& cache,
                                           Registry& registry = Registry::Default());

}  // namespace livedrop::metrics
