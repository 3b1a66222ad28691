#include "livedrop/metrics/registry.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "livedrop/core/error.h"

namespace livedrop::metrics {
namespace {

std::string Escape(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

// HELP text escapes only backslash and newline (label values also escape quotes).
std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

bool ValidName(const std::string& name, bool colons) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (colons && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void Validate(const std::string& name, const Labels& labels, bool histogram) {
  if (!ValidName(name, true)) {
    throw Error(ErrorKind::kInvalidArgument, "metric_invalid", "bad metric name '" + name + "'");
  }
  for (const auto& [key, value] : labels) {
    if (!ValidName(key, false) || key.rfind("__", 0) == 0 || (histogram && key == "le")) {
      throw Error(ErrorKind::kInvalidArgument, "metric_invalid",
                  "bad label name '" + key + "' on metric " + name);
    }
  }
}

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

std::string LabelText(const Labels& labels, const std::string& extra_key = "",
                      const std::string& extra_value = "") {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    out += (first ? "" : ",") + k + "=\"" + Escape(v) + "\"";
    first = false;
  }
  if (!extra_key.empty()) out += (first ? "" : ",") + extra_key + "=\"" + extra_value + "\"";
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  bounds_.erase(std::remove_if(bounds_.begin(), bounds_.end(),
                               [](double b) { return std::isnan(b) || std::isinf(b); }),
                bounds_.end());
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::CumulativeCounts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry& Registry::Default() {
  static Registry registry;
  return registry;
}

Registry::Family& Registry::FamilyFor(const std::string& name, const std::string& help, Type type,
                                      const Labels& labels) {
  Validate(name, labels, type == Type::kHistogram);
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.help = help;
    it->second.type = type;
  } else if (it->second.type != type) {
    throw Error(ErrorKind::kInvalidArgument, "metric_invalid",
                "metric " + name + " registered with two types");
  }
  return it->second;
}

Counter& Registry::GetCounter(const std::string& name, const std::string& help,
                              const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, help, Type::kCounter, labels).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::GetGauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, help, Type::kGauge, labels).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::GetHistogram(const std::string& name, const std::string& help,
                                  const std::vector<double>& buckets, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = FamilyFor(name, help, Type::kHistogram, labels).histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(buckets);
  return *slot;
}

void Registry::AddGaugeCallback(const std::string& name, const std::string& help,
                                std::function<double()> read, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& family = FamilyFor(name, help, Type::kGauge, labels);
  family.gauges.erase(labels);  // one child per label set
  family.callbacks[labels] = std::move(read);
}

void Registry::RemoveGaugeCallback(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  const auto it = families_.find(name);
  if (it == families_.end()) return;
  it->second.callbacks.erase(labels);
  if (it->second.callbacks.empty() && it->second.gauges.empty() && it->second.counters.empty() &&
      it->second.histograms.empty()) {
    families_.erase(it);
  }
}

int Registry::AddCollector(std::function<void(std::string& out)> collect) {
  std::lock_guard lock(mutex_);
  const int id = next_collector_++;
  collectors_[id] = std::move(collect);
  return id;
}

void Registry::RemoveCollector(int id) {
  std::lock_guard lock(mutex_);
  collectors_.erase(id);
}

std::string Registry::Render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, family] : families_) {
    static constexpr const char* kTypes[] = {"counter", "gauge", "histogram"};
    out << "# HELP " << name << " " << EscapeHelp(family.help) << "\n";
    out << "# TYPE " << name << " " << kTypes[static_cast<int>(family.type)] << "\n";
    for (const auto& [labels, c] : family.counters) {
      out << name << LabelText(labels) << " " << Number(c->Value()) << "\n";
    }
    for (const auto& [labels, g] : family.gauges) {
      out << name << LabelText(labels) << " " << Number(g->Value()) << "\n";
    }
    for (const auto& [labels, read] : family.callbacks) {
      double value = NAN;
      try {
        value = read();
      } catch (...) {
      }
      out << name << LabelText(labels) << " " << Number(value) << "\n";
    }
    for (const auto& [labels, h] : family.histograms) {
      const auto counts = h->CumulativeCounts();
      for (std::size_t i = 0; i < h->bounds().size(); ++i) {
        out << name << "_bucket" << LabelText(labels, "le", Number(h->bounds()[i])) << " "
            << counts[i] << "\n";
      }
      out << name << "_bucket" << LabelText(labels, "le", "+Inf") << " " << counts.back() << "\n";
      out << name << "_sum" << LabelText(labels) << " " << Number(h->Sum()) << "\n";
      out << name << "_count" << LabelText(labels) << " " << counts.back() << "\n";
    }
  }
  std::string text = out.str();
  for (const auto& [id, collect] : collectors_) {
    try {
      collect(text);
    } catch (...) {
      // A broken collector must not take /metrics down with it.
    }
  }
  return text;
}

namespace {

// From /proc: boot time (btime in /proc/stat) plus the process's start in clock ticks since
// boot (field 22 of /proc/self/stat). Falls back to the first call's time.
double ProcessStartTime() {
  double boot = -1;
  std::ifstream stat("/proc/stat");
  for (std::string line; std::getline(stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
  }
  std::ifstream self("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (boot >= 0 && paren != std::string::npos) {
    std::istringstream fields(text.substr(paren + 2));  // field 3 onwards
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
      if (i == 22) return boot + std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void RegisterProcessMetrics(Registry& registry) {
  static const double start = ProcessStartTime();
  registry.AddGaugeCallback("process_resident_memory_bytes", "Resident memory size in bytes.", [] {
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
  });
  registry.AddGaugeCallback("process_open_fds", "Number of open file descriptors.", [] {
    int n = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
      while (readdir(d) != nullptr) ++n;
      closedir(d);
    }
    return static_cast<double>(n - 3);  // ".", ".." and the directory's own descriptor
  });
  registry.AddGaugeCallback("process_start_time_seconds",
                            "Start time of the process since unix epoch in seconds.",
                            [] { return start; });
}

std::function<void()> CacheEvictionCounter(const std::string& cache, Registry& registry) {
  Counter& evictions = registry.GetCounter(
      "livedrop_cache_evictions_total",
      "Entries an in-process cache evicted to stay within its bound, by cache", {{"cache", cache}});
  return [&evictions] { evictions.Inc(); };
}

}  // namespace livedrop::metrics
