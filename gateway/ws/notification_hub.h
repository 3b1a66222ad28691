#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "livedrop/core/time.h"

namespace livedrop::http {
class WebSocket;
}

namespace livedrop::gateway {

// One notification as it goes out: its id and the JSON frame, built once for every socket.
struct Frame {
  std::string id;
  std::shared_ptr<const std::string> json;
};

// Who gets a frame: the followers of a creator (a broadcast) or one user (personal).
struct Audience {
  std::string creator_id;
  std::string user_id;
};

// The WebSockets of this gateway, indexed by interest: the creators each connected user follows
// and the user itself. Delivering a creator's broadcast costs one look-up and one send per
// connected follower, whatever the creator's follower count. Thread-safe.
//
// A subscriber starts "catching up": frames for it are held back while the gateway loads whom
// the user follows and replays what the user missed, page by page (Replay); GoLive then sends
// what was held back that the replay did not contain, and from then on frames go straight out.
class NotificationHub {
 public:
  struct Subscriber;
  using SubscriberPtr = std::shared_ptr<Subscriber>;

  explicit NotificationHub(std::size_t remembered_ids = 65536);

  SubscriberPtr Add(std::string user_id, std::shared_ptr<http::WebSocket> socket,
                    TimePoint token_expires_at);
  void Remove(const SubscriberPtr& subscriber);
  void SetInterests(const SubscriberPtr& subscriber, const std::vector<std::string>& creator_ids);
  // Sends `frame` at once, caught up or not (ready, caught_up).
  void SendNow(const SubscriberPtr& subscriber, const Frame& frame);
  // While catching up: sends a page of missed notifications at once (the caller waits for the
  // socket to drain before the next page). False when the subscriber is gone or its socket
  // closing. Returns through `sent` how many went out.
  bool Replay(const SubscriberPtr& subscriber, const std::vector<Frame>& page,
              std::size_t* sent = nullptr);
  // Sends what was held back that the replay did not contain, and from then on sends frames as
  // they come. Returns how many notifications were sent.
  std::size_t GoLive(const SubscriberPtr& subscriber);

  // A frame seen before (Kafka redelivers after a rebalance) goes to nobody. A broadcast that
  // reaches at least one subscriber observes livedrop_ws_fanout_seconds: the time to queue it on
  // all of them (Send returns once queued; the writes come after).
  void Deliver(const Frame& frame, const Audience& audience);
  void Follow(const std::string& user_id, const std::string& creator_id);
  void Unfollow(const std::string& user_id, const std::string& creator_id);
  // Closes (4001) the sockets whose access token expired by `now`; returns how many.
  std::size_t CloseExpired(TimePoint now);

  // Forgets every subscriber (at shutdown, after the sockets were closed).
  void Clear();

  std::size_t subscribers() const;
  std::size_t delivered() const;  // frames handed to sockets

 private:
  bool Remember(const std::string& id);  // false if seen before
  void SendOrHold(Subscriber& s, const Frame& frame);

  std::size_t remembered_ids_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unordered_set<Subscriber*>> by_creator_;
  std::unordered_map<std::string, std::unordered_set<Subscriber*>> by_user_;
  std::unordered_map<Subscriber*, SubscriberPtr> all_;  // the hub owns its subscribers
  std::unordered_set<std::string> seen_;
  std::deque<std::string> seen_order_;
  std::size_t delivered_ = 0;
};

// Close code for a connection whose access token expired (reconnect with a fresh token).
inline constexpr int kCloseTokenExpired = 4001;

}  // namespace livedrop::gateway
