#include "ws/notification_hub.h"

#include <chrono>

#include "livedrop/http/websocket.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::gateway {
namespace {

constexpr std::size_t kMaxHeld = 1000;  // frames held back for one subscriber catching up
// Ids of the latest replayed frames kept per subscriber catching up: a held frame is recent,
// so if the replay had it, it was among the last ones.
constexpr std::size_t kRecentReplayed = 2 * kMaxHeld;

metrics::Histogram& FanoutSeconds() {
  static auto& histogram = metrics::Registry::Default().GetHistogram(
      "livedrop_ws_fanout_seconds",
      "Time to hand one broadcast notification to every socket of its audience at this gateway "
      "(queued, not yet written)",
      metrics::DefaultLatencyBuckets());
  return histogram;
}

}  // namespace

struct NotificationHub::Subscriber {
  std::string user_id;
  std::shared_ptr<http::WebSocket> socket;
  TimePoint token_expires_at;
  std::unordered_set<std::string> creators;
  bool live = false;
  std::vector<Frame> held;  // while catching up
  std::unordered_set<std::string> replayed;  // the last kRecentReplayed ids replayed
  std::deque<std::string> replayed_order;
};

NotificationHub::NotificationHub(std::size_t remembered_ids) : remembered_ids_(remembered_ids) {}

NotificationHub::SubscriberPtr NotificationHub::Add(std::string user_id,
                                                    std::shared_ptr<http::WebSocket> socket,
                                                    TimePoint token_expires_at) {
  auto s = std::make_shared<Subscriber>();
  s->user_id = std::move(user_id);
  s->socket = std::move(socket);
  s->token_expires_at = token_expires_at;
  std::lock_guard lock(mutex_);
  by_user_[s->user_id].insert(s.get());
  all_.emplace(s.get(), s);
  return s;
}

void NotificationHub::Remove(const SubscriberPtr& s) {
  std::lock_guard lock(mutex_);
  if (!all_.count(s.get())) return;
  for (const auto& creator : s->creators) {
    auto it = by_creator_.find(creator);
    if (it == by_creator_.end()) continue;
    it->second.erase(s.get());
    if (it->second.empty()) by_creator_.erase(it);
  }
  auto it = by_user_.find(s->user_id);
  if (it != by_user_.end()) {
    it->second.erase(s.get());
    if (it->second.empty()) by_user_.erase(it);
  }
  s->held.clear();
  all_.erase(s.get());
}

void NotificationHub::SetInterests(const SubscriberPtr& s,
                                   const std::vector<std::string>& creator_ids) {
  std::lock_guard lock(mutex_);
  if (!all_.count(s.get())) return;
  for (const auto& creator : creator_ids) {
    if (s->creators.insert(creator).second) by_creator_[creator].insert(s.get());
  }
}

void NotificationHub::SendNow(const SubscriberPtr& s, const Frame& frame) {
  std::lock_guard lock(mutex_);
  if (all_.count(s.get())) s->socket->Send(frame.json);
}

bool NotificationHub::Replay(const SubscriberPtr& s, const std::vector<Frame>& page,
                             std::size_t* sent) {
  std::lock_guard lock(mutex_);
  if (!all_.count(s.get()) || s->socket->closing()) return false;
  std::size_t n = 0;
  for (const auto& frame : page) {
    if (!s->replayed.insert(frame.id).second) continue;
    s->replayed_order.push_back(frame.id);
    if (s->replayed_order.size() > kRecentReplayed) {
      s->replayed.erase(s->replayed_order.front());
      s->replayed_order.pop_front();
    }
    if (!s->socket->Send(frame.json)) return false;
    ++n;
  }
  delivered_ += n;
  if (sent != nullptr) *sent = n;
  return true;
}

std::size_t NotificationHub::GoLive(const SubscriberPtr& s) {
  std::lock_guard lock(mutex_);
  if (!all_.count(s.get())) return 0;
  std::size_t n = 0;
  for (const auto& frame : s->held) {
    if (s->replayed.insert(frame.id).second && s->socket->Send(frame.json)) ++n;
  }
  s->held.clear();
  s->held.shrink_to_fit();
  s->replayed.clear();
  s->replayed_order.clear();
  s->live = true;
  delivered_ += n;
  return n;
}

bool NotificationHub::Remember(const std::string& id) {
  if (!seen_.insert(id).second) return false;
  seen_order_.push_back(id);
  if (seen_order_.size() > remembered_ids_) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  return true;
}

void NotificationHub::SendOrHold(Subscriber& s, const Frame& frame) {
  if (!s.live) {
    if (s.held.size() >= kMaxHeld) {
      s.socket->Close(http::kCloseSlowConsumer, "too many notifications while catching up");
      return;
    }
    s.held.push_back(frame);
    return;
  }
  if (s.socket->Send(frame.json)) ++delivered_;
}

void NotificationHub::Deliver(const Frame& frame, const Audience& audience) {
  std::lock_guard lock(mutex_);
  if (!Remember(frame.id)) return;
  const auto& index = audience.creator_id.empty() ? by_user_ : by_creator_;
  const auto& key = audience.creator_id.empty() ? audience.user_id : audience.creator_id;
  const auto it = index.find(key);
  if (it == index.end() || it->second.empty()) return;
  const auto start = std::chrono::steady_clock::now();
  for (Subscriber* s : it->second) SendOrHold(*s, frame);
  if (!audience.creator_id.empty()) {  // a broadcast: the fan-out the hop metrics take apart
    FanoutSeconds().Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

void NotificationHub::Follow(const std::string& user_id, const std::string& creator_id) {
  std::lock_guard lock(mutex_);
  const auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return;
  for (Subscriber* s : it->second) {
    if (s->creators.insert(creator_id).second) by_creator_[creator_id].insert(s);
  }
}

void NotificationHub::Unfollow(const std::string& user_id, const std::string& creator_id) {
  std::lock_guard lock(mutex_);
  const auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return;
  for (Subscriber* s : it->second) {
    if (s->creators.erase(creator_id) == 0) continue;
    auto c = by_creator_.find(creator_id);
    if (c == by_creator_.end()) continue;
    c->second.erase(s);
    if (c->second.empty()) by_creator_.erase(c);
  }
}

std::size_t NotificationHub::CloseExpired(TimePoint now) {
  std::vector<std::shared_ptr<http::WebSocket>> expired;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [ptr, s] : all_) {
      if (s->token_expires_at <= now) expired.push_back(s->socket);
    }
  }
  for (auto& socket : expired) socket->Close(kCloseTokenExpired, "access token expired");
  return expired.size();
}

void NotificationHub::Clear() {
  std::lock_guard lock(mutex_);
  by_creator_.clear();
  by_user_.clear();
  all_.clear();
}

std::size_t NotificationHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return all_.size();
}

std::size_t NotificationHub::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

}  // namespace livedrop::gateway
