#include "drops_scheduler.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "drops_events.h"
#include "drops_store.h"
#include "livedrop/metrics/registry.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {
namespace {

constexpr int kBatch = 200;

}  // namespace

DropsScheduler::DropsScheduler(pg::Pool& pool, std::function<void(const DropRow&)> on_change,
                               std::chrono::milliseconds max_sleep)
    : pool_(pool), on_change_(std::move(on_change)), max_sleep_(max_sleep) {}

DropsScheduler::~DropsScheduler() { Stop(); }

void DropsScheduler::Start() { thread_ = std::thread([this] { Run(); }); }

void DropsScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DropsScheduler::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

std::chrono::steady_clock::time_point DropsScheduler::Pass() {
  static auto& lateness = metrics::Registry::Default().GetHistogram(
      "livedrop_drop_start_lateness_seconds",
      "Delay from a drop's scheduled start to its flip to live", metrics::DefaultLatencyBuckets());
  const auto now_steady = std::chrono::steady_clock::now();
  std::vector<DropRow> changed;
  const auto next = pool_.Transact([&](pqxx::work& tx) {
    changed.clear();
    for (const auto& row : DropsStore::StartDue(tx, kBatch)) {
      changed.push_back(row);
      EmitDropEvent(tx, "drop_started", row);
      lateness.Observe(
          std::chrono::duration<double>(Now() - row.fields.starts_at).count());
      started_++;
    }
    for (const auto& row : DropsStore::EndDue(tx, kBatch)) {
      changed.push_back(row);
      EmitDropEvent(tx, "drop_ended", row);
      ended_++;
    }
    return DropsStore::NextDue(tx);
  });
  if (on_change_) {
    for (const auto& row : changed) on_change_(row);
  }
  auto wake_at = now_steady + max_sleep_;
  if (next) {
    const auto until = std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next - Now());
    if (now_steady + until < wake_at) wake_at = now_steady + until;
  }
  return wake_at;
}

void DropsScheduler::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    auto wake_at = std::chrono::steady_clock::now() + max_sleep_;
    try {
      wake_at = Pass();
    } catch (const std::exception& e) {
      spdlog::warn("drop scheduler pass failed: {}", e.what());
      wake_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    }
    lock.lock();
    if (!woken_ && !stop_) wake_.wait_until(lock, wake_at, [&] { return woken_ || stop_; });
    woken_ = false;
  }
}

}  // namespace livedrop::drops
