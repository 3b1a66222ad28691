#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "event_sink.h"
#include "notifications_logic.h"

namespace livedrop::pg {
class Pool;
}
namespace pqxx {
class transaction_base;
}

namespace livedrop::notifications {

struct DropOwner;

struct InboxItem {
  NotificationRow notification;
  bool read = false;  // at or below the user's read mark
};

struct InboxPage {
  std::vector<InboxItem> items;  // newest first
  std::string next_cursor;       // empty: the last page
};

struct SincePage {
  std::vector<NotificationRow> items;  // oldest first
  bool more = false;                   // more follow after the last item
};

// The use cases of notifications: a user's inbox (personal notifications merged with the
// broadcasts of the creators they follow) and its read mark; and, as the EventSink of
// EventsHandler, each source event turned into what it means here — one transaction per
// event, or one for all the events run Together (a consumer's batch), the notification stored
// under its source event's id and published (notifications_events) in the same transaction
// only when it was new. The only layer that opens transactions.
class NotificationsApp final : public EventSink {
 public:
  explicit NotificationsApp(pg::Pool& pool);

  // `limit` 0 → the default page size; `cursor` empty → the first page.
  InboxPage ListNotifications(const std::string& user_id, int limit, const std::string& cursor);
  // What came after notification `after_id` (unknown_event_id if it is not in the user's
  // inbox), for a reconnecting WebSocket.
  SincePage ListSince(const std::string& user_id, const std::string& after_id, int limit);
  // Moves the read mark to `up_to_id` (or the newest item with `all`), never backwards;
  // returns how many items became read.
  std::int64_t MarkRead(const std::string& user_id, const std::string& up_to_id, bool all);

  // One transaction for every use case `each` calls on this thread; retried as a whole.
  void Together(const std::function<void()>& each) override;
  EventOutcome OnDropScheduled(const events::v1::Envelope& source,
                               const drops::v1::DropScheduled& event) override;
  EventOutcome OnDropStarted(const events::v1::Envelope& source,
                             const drops::v1::DropStarted& event) override;
  EventOutcome OnDropEnded(const events::v1::Envelope& source,
                           const drops::v1::DropEnded& event) override;
  EventOutcome OnDropCancelled(const events::v1::Envelope& source,
                               const drops::v1::DropCancelled& event) override;
  EventOutcome OnSoldOut(const events::v1::Envelope& source,
                         const inventory::v1::SoldOut& event) override;
  EventOutcome OnLowStock(const events::v1::Envelope& source,
                          const inventory::v1::LowStock& event) override;
  EventOutcome OnOrderConfirmed(const events::v1::Envelope& source,
                                const orders::v1::OrderConfirmed& event) override;
  EventOutcome OnOrderFailed(const events::v1::Envelope& source,
                             const orders::v1::OrderFailed& event) override;
  EventOutcome OnOrderRefunded(const events::v1::Envelope& source,
                               const orders::v1::OrderRefunded& event) override;
  EventOutcome OnFollowChanged(const events::v1::Envelope& source,
                               const FollowChange& change) override;

 private:
  using Apply = std::function<void(pqxx::transaction_base& tx, EventOutcome& outcome)>;
  // One transaction (the one Together opened on this thread, if any); a retried one starts its
  // outcome over.
  EventOutcome InTransaction(const Apply& apply);
  // The broadcast a drop event makes, given what is known of the drop (none: it makes none).
  using DropBroadcast = std::function<NotificationRow(const DropOwner& owner)>;
  EventOutcome LearnDrop(const events::v1::Envelope& source, const drops::v1::Drop& drop,
                         const DropBroadcast& broadcast);
  EventOutcome StockChanged(const events::v1::Envelope& source, const std::string& drop_id,
                            const std::function<NotificationRow(const std::string&)>& notice);
  EventOutcome Personal(const events::v1::Envelope& source, const NotificationRow& row);

  pg::Pool& pool_;
};

}  // namespace livedrop::notifications
