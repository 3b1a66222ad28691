#include "notifications_app.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/orders/v1/orders.pb.h"
#include "livedrop/pg/pool.h"
#include "notifications_events.h"
#include "notifications_store.h"

namespace livedrop::notifications {
namespace {

using events::v1::Envelope;

// The transaction Together opened on this thread, for the app that opened it: the three
// consumer lanes share one app, each on its own thread.
struct OpenTransaction {
  const NotificationsApp* app;
  pqxx::work* tx;
};
thread_local const OpenTransaction* t_open = nullptr;

pqxx::work* OpenFor(const NotificationsApp* app) {
  return t_open != nullptr && t_open->app == app ? t_open->tx : nullptr;
}

// Stores `row` and, only when it was not stored before, publishes it in the same transaction:
// a redelivered source event is stored and published once.
void Deliver(pqxx::transaction_base& tx, NotificationRow row, const Envelope& source,
             EventOutcome& outcome) {
  const auto seq = NotificationsStore::Insert(tx, row);
  if (!seq) {
    outcome.duplicates++;
    return;
  }
  row.seq = *seq;
  EmitNotification(tx, row, source.trace_parent());
  outcome.stored.push_back(row.type);
}

}  // namespace

NotificationsApp::NotificationsApp(pg::Pool& pool) : pool_(pool) {}

InboxPage NotificationsApp::ListNotifications(const std::string& user_id, int limit,
                                              const std::string& cursor) {
  RequireUuid("user_id", user_id);
  const int page_size = PageSize(limit);
  const auto before = DecodeCursor(cursor);
  // Read committed gives each statement its own snapshot either way: no BEGIN/COMMIT.
  auto [rows, read_mark] = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    return std::make_pair(NotificationsStore::ListInbox(tx, user_id, before, page_size + 1),
                          NotificationsStore::ReadMark(tx, user_id));
  });
  InboxPage page;
  const bool more = static_cast<int>(rows.size()) > page_size;
  if (more) rows.resize(static_cast<std::size_t>(page_size));
  for (auto& row : rows) {
    const bool read = row.seq <= read_mark;
    page.items.push_back({std::move(row), read});
  }
  if (more) page.next_cursor = EncodeCursor(page.items.back().notification.seq);
  return page;
}

SincePage NotificationsApp::ListSince(const std::string& user_id, const std::string& after_id,
                                      int limit) {
  RequireUuid("user_id", user_id);
  RequireUuid("after_id", after_id);
  const int most = SinceLimit(limit);
  SincePage page;
  page.items = pool_.AutoCommit([&](pqxx::nontransaction& tx) {
    const auto after = NotificationsStore::FindSeq(tx, user_id, after_id);
    if (!after) {
      throw Error(ErrorKind::kNotFound, "unknown_event_id",
                  "no notification " + after_id + " to continue from");
    }
    return NotificationsStore::ListInboxAfter(tx, user_id, *after, most + 1);
  });
  page.more = static_cast<int>(page.items.size()) > most;
  if (page.more) page.items.resize(static_cast<std::size_t>(most));
  return page;
}

std::int64_t NotificationsApp::MarkRead(const std::string& user_id, const std::string& up_to_id,
                                        bool all) {
  RequireUuid("user_id", user_id);
  if (all == !up_to_id.empty()) throw ValidationError("up_to_id", "give either up_to_id or all");
  if (!all) RequireUuid("up_to_id", up_to_id);
  return pool_.Transact([&](pqxx::work& tx) -> std::int64_t {
    std::int64_t target = 0;
    if (all) {
      const auto newest = NotificationsStore::ListInbox(tx, user_id, std::nullopt, 1);
      if (newest.empty()) return 0;
      target = newest.front().seq;
    } else {
      const auto seq = NotificationsStore::FindSeq(tx, user_id, up_to_id);
      if (!seq) throw NotFoundError("notification");
      target = *seq;
    }
    // Locked so that two concurrent calls count each newly read item once.
    const auto current = NotificationsStore::LockReadMark(tx, user_id);
    if (target <= current) return 0;
    NotificationsStore::SetReadMark(tx, user_id, target);
    return NotificationsStore::CountInbox(tx, user_id, current, target);
  });
}

void NotificationsApp::Together(const std::function<void()>& each) {
  if (OpenFor(this) != nullptr) return each();
  pool_.Transact([&](pqxx::work& tx) {
    const OpenTransaction open{this, &tx};
    const OpenTransaction* const outer = t_open;
    t_open = &open;
    struct Restore {
      const OpenTransaction* outer;
      ~Restore() { t_open = outer; }
    } restore{outer};
    each();
  });
}

EventOutcome NotificationsApp::InTransaction(const Apply& apply) {
  EventOutcome outcome;
  if (pqxx::work* tx = OpenFor(this)) {
    apply(*tx, outcome);
    return outcome;
  }
  pool_.Transact([&](pqxx::work& tx) {
    outcome = {};
    apply(tx, outcome);
  });
  return outcome;
}

EventOutcome NotificationsApp::LearnDrop(const Envelope& source, const drops::v1::Drop& drop,
                                         const DropBroadcast& broadcast) {
  RequireWellFormed(source, drop);
  return InTransaction([&](pqxx::transaction_base& tx, EventOutcome& outcome) {
    NotificationsStore::LockDrop(tx, drop.id());
    NotificationsStore::RememberDrop(tx, drop.id(), drop.creator_id(), drop.product_id(),
                                     drop.product().title());
    const auto owner = *NotificationsStore::FindDrop(tx, drop.id());
    if (broadcast) Deliver(tx, broadcast(owner), source, outcome);
    for (const auto& parked : NotificationsStore::TakeParked(tx, drop.id())) {
      std::string bytes;
      if (!Base64UrlDecode(parked.envelope, bytes)) continue;  // written by Park: cannot happen
      const auto parked_source = kafka::ParseEnvelope(bytes);
      Deliver(tx, StockNotification(parked_source, owner.creator_id), parked_source, outcome);
    }
  });
}

EventOutcome NotificationsApp::OnDropScheduled(const Envelope& source,
                                               const drops::v1::DropScheduled& event) {
  return LearnDrop(source, event.drop(), nullptr);
}

EventOutcome NotificationsApp::OnDropStarted(const Envelope& source,
                                             const drops::v1::DropStarted& event) {
  return LearnDrop(source, event.drop(), [&](const DropOwner& owner) {
    return DropStartedNotification(source, event, owner.title);
  });
}

EventOutcome NotificationsApp::OnDropEnded(const Envelope& source,
                                           const drops::v1::DropEnded& event) {
  return LearnDrop(source, event.drop(), [&](const DropOwner& owner) {
    return DropEndedNotification(source, event, owner.title);
  });
}

EventOutcome NotificationsApp::OnDropCancelled(const Envelope& source,
                                               const drops::v1::DropCancelled& event) {
  return LearnDrop(source, event.drop(), nullptr);
}

EventOutcome NotificationsApp::StockChanged(
    const Envelope& source, const std::string& drop_id,
    const std::function<NotificationRow(const std::string&)>& notice) {
  if (!IsUuid(drop_id)) throw MalformedEvent(source, "drop_id is not a UUID");
  return InTransaction([&](pqxx::transaction_base& tx, EventOutcome& outcome) {
    NotificationsStore::LockDrop(tx, drop_id);
    if (const auto owner = NotificationsStore::FindDrop(tx, drop_id)) {
      Deliver(tx, notice(owner->creator_id), source, outcome);
      return;
    }
    // Not retried: a retry would stall this consumer, and with it the drop event that
    // resolves it. The drop's next event delivers it (LearnDrop).
    if (NotificationsStore::Park(tx, source.id(), drop_id, source.type(), kafka::EventTime(source),
                                 Base64UrlEncode(kafka::SerializeEnvelope(source)))) {
      outcome.parked++;
      spdlog::info("{} {} of unknown drop {} parked until the drop is known", source.type(),
                   source.id(), drop_id);
    } else {
      outcome.duplicates++;
    }
  });
}

EventOutcome NotificationsApp::OnSoldOut(const Envelope& source,
                                         const inventory::v1::SoldOut& event) {
  return StockChanged(source, event.drop_id(), [&](const std::string& creator_id) {
    return SoldOutNotification(source, event, creator_id);
  });
}

EventOutcome NotificationsApp::OnLowStock(const Envelope& source,
                                          const inventory::v1::LowStock& event) {
  return StockChanged(source, event.drop_id(), [&](const std::string& creator_id) {
    return LowStockNotification(source, event, creator_id);
  });
}

EventOutcome NotificationsApp::Personal(const Envelope& source, const NotificationRow& row) {
  return InTransaction([&](pqxx::transaction_base& tx, EventOutcome& outcome) {
    Deliver(tx, row, source, outcome);
  });
}

EventOutcome NotificationsApp::OnOrderConfirmed(const Envelope& source,
                                                const orders::v1::OrderConfirmed& event) {
  return Personal(source, OrderConfirmedNotification(source, event));
}

EventOutcome NotificationsApp::OnOrderFailed(const Envelope& source,
                                             const orders::v1::OrderFailed& event) {
  return Personal(source, OrderFailedNotification(source, event));
}

EventOutcome NotificationsApp::OnOrderRefunded(const Envelope& source,
                                               const orders::v1::OrderRefunded& event) {
  return Personal(source, OrderRefundedNotification(source, event));
}

EventOutcome NotificationsApp::OnFollowChanged(const Envelope& source, const FollowChange& change) {
  RequireWellFormed(source, change);
  return InTransaction([&](pqxx::transaction_base& tx, EventOutcome&) {
    NotificationsStore::ApplyFollow(tx, change.follower_id, change.creator_id, change.active,
                                    change.at);
  });
}

}  // namespace livedrop::notifications
