#pragma once

#include <functional>

#include "notifications_logic.h"

namespace livedrop::drops::v1 {
class DropCancelled;
class DropEnded;
class DropScheduled;
class DropStarted;
}  // namespace livedrop::drops::v1
namespace livedrop::events::v1 {
class Envelope;
}
namespace livedrop::inventory::v1 {
class LowStock;
class SoldOut;
}  // namespace livedrop::inventory::v1
namespace livedrop::orders::v1 {
class OrderConfirmed;
class OrderFailed;
class OrderRefunded;
}  // namespace livedrop::orders::v1

namespace livedrop::notifications {

// What EventsHandler asks for each source event it routes, already read as its own message:
// one use case per event type (NotificationsApp; a recording fake in the unit tests). Each
// gets the source envelope (id, time, trace) with the payload.
class EventSink {
 public:
  virtual ~EventSink() = default;

  // Runs `each`, which calls the use cases of several events, so that they take effect
  // together: NotificationsApp stores them in one transaction, all or none, and may run `each`
  // again from the start (a retried transaction). By default, just runs it.
  virtual void Together(const std::function<void()>& each) { each(); }

  // Every drop_* event teaches whom the drop belongs to (and resolves parked stock events);
  // drop_started and drop_ended also become broadcasts of its creator.
  virtual EventOutcome OnDropScheduled(const events::v1::Envelope& source,
                                       const drops::v1::DropScheduled& event) = 0;
  virtual EventOutcome OnDropStarted(const events::v1::Envelope& source,
                                     const drops::v1::DropStarted& event) = 0;
  virtual EventOutcome OnDropEnded(const events::v1::Envelope& source,
                                   const drops::v1::DropEnded& event) = 0;
  virtual EventOutcome OnDropCancelled(const events::v1::Envelope& source,
                                       const drops::v1::DropCancelled& event) = 0;
  // Broadcasts of the drop's creator, parked until the drop is known.
  virtual EventOutcome OnSoldOut(const events::v1::Envelope& source,
                                 const inventory::v1::SoldOut& event) = 0;
  virtual EventOutcome OnLowStock(const events::v1::Envelope& source,
                                  const inventory::v1::LowStock& event) = 0;
  // Personal notifications of the buyer.
  virtual EventOutcome OnOrderConfirmed(const events::v1::Envelope& source,
                                        const orders::v1::OrderConfirmed& event) = 0;
  virtual EventOutcome OnOrderFailed(const events::v1::Envelope& source,
                                     const orders::v1::OrderFailed& event) = 0;
  virtual EventOutcome OnOrderRefunded(const events::v1::Envelope& source,
                                       const orders::v1::OrderRefunded& event) = 0;
  // followed / unfollowed: the local follow projection the inbox merge reads.
  virtual EventOutcome OnFollowChanged(const events::v1::Envelope& source,
                                       const FollowChange& change) = 0;
};

}  // namespace livedrop::notifications
