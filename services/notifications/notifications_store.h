#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "notifications_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::notifications {

struct DropOwner {
  std::string creator_id;
  std::string title;  // empty when unknown
};

// An inventory event waiting for its drop to be known.
struct ParkedEvent {
  std::string id;
  std::string envelope;  // serialized livedrop.events.v1.Envelope
};

// The SQL of the notifications schema; every method runs in the caller's transaction.
class NotificationsStore {
 public:
  // Stores a notification under its source event's id and returns its seq, or nothing when
  // that id is stored already (a redelivered event).
  static std::optional<std::int64_t> Insert(pqxx::transaction_base& tx, const NotificationRow& row);

  // Remembers (or refreshes) whom a drop belongs to; an empty title keeps a known one.
  static void RememberDrop(pqxx::transaction_base& tx, const std::string& drop_id,
                           const std::string& creator_id, const std::string& product_id,
                           const std::string& title);
  static std::optional<DropOwner> FindDrop(pqxx::transaction_base& tx, const std::string& drop_id);
  // Serializes "is the drop known, else park" against "learn the drop, then take what was
  // parked" across instances, so no parked event is left behind. Held until the transaction
  // ends.
  static void LockDrop(pqxx::transaction_base& tx, const std::string& drop_id);
  // False when that event is parked already.
  static bool Park(pqxx::transaction_base& tx, const std::string& id, const std::string& drop_id,
                   const std::string& type, TimePoint time, const std::string& envelope);
  // Removes and returns the events parked for a drop, oldest first.
  static std::vector<ParkedEvent> TakeParked(pqxx::transaction_base& tx,
                                             const std::string& drop_id);

  // Applies a follow (active) or unfollow event of time `at` unless a newer one was applied.
  static void ApplyFollow(pqxx::transaction_base& tx, const std::string& user_id,
                          const std::string& creator_id, bool active, TimePoint at);

  // The user's inbox, newest first, strictly older than before_seq when given.
  static std::vector<NotificationRow> ListInbox(pqxx::transaction_base& tx,
                                                const std::string& user_id,
                                                std::optional<std::int64_t> before_seq, int limit);
  // The user's inbox strictly newer than after_seq, oldest first.
  static std::vector<NotificationRow> ListInboxAfter(pqxx::transaction_base& tx,
                                                     const std::string& user_id,
                                                     std::int64_t after_seq, int limit);
  // How many inbox items have after_seq < seq <= up_to_seq.
  static std::int64_t CountInbox(pqxx::transaction_base& tx, const std::string& user_id,
                                 std::int64_t after_seq, std::int64_t up_to_seq);
  // The seq of notification `id` if it is one of the user's personal ones or a broadcast.
  static std::optional<std::int64_t> FindSeq(pqxx::transaction_base& tx, const std::string& user_id,
                                             const std::string& id);

  static std::int64_t ReadMark(pqxx::transaction_base& tx, const std::string& user_id);
  // The user's read mark, locked until the transaction ends (created at 0 if missing).
  static std::int64_t LockReadMark(pqxx::transaction_base& tx, const std::string& user_id);
  static void SetReadMark(pqxx::transaction_base& tx, const std::string& user_id,
                          std::int64_t up_to_seq);
};

}  // namespace livedrop::notifications
