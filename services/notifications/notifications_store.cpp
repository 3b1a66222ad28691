#include "notifications_store.h"

#include <limits>
#include <pqxx/pqxx>

namespace livedrop::notifications {
namespace {

// Times cross the wire as microseconds since the epoch, exactly (no floating point).
#define LD_TIME_PARAM(n) "('epoch'::timestamptz + $" #n "::bigint * interval '1 microsecond')"
#define LD_TIME_COLUMN(c) "(extract(epoch FROM " c ") * 1000000)::bigint"

constexpr char kInsertPersonal[] =
    "INSERT INTO personal_notifications (id, user_id, type, occurred_at, data) "
    "VALUES ($1::uuid, $2::uuid, $3, " LD_TIME_PARAM(4) ", $5::json) "
    "ON CONFLICT (id) DO NOTHING RETURNING seq";

constexpr char kInsertBroadcast[] =
    "INSERT INTO broadcasts (id, creator_id, type, occurred_at, data) "
    "VALUES ($1::uuid, $2::uuid, $3, " LD_TIME_PARAM(4) ", $5::json) "
    "ON CONFLICT (id) DO NOTHING RETURNING seq";

constexpr char kRememberDrop[] = R"sql(
INSERT INTO drop_creators (drop_id, creator_id, product_id, title)
VALUES ($1::uuid, $2::uuid, NULLIF($3, '')::uuid, $4)
ON CONFLICT (drop_id) DO UPDATE
  SET title = CASE WHEN EXCLUDED.title = '' THEN drop_creators.title ELSE EXCLUDED.title END
)sql";

constexpr char kFindDrop[] =
    "SELECT creator_id::text, title FROM drop_creators WHERE drop_id = $1::uuid";

// The two-key form keeps these locks apart from the outbox relay's and any single-key lock.
constexpr char kLockDrop[] =
    "SELECT pg_advisory_xact_lock(hashtext('livedrop.notifications.drop'), hashtext($1))";

constexpr char kPark[] =
    "INSERT INTO pending_broadcasts (id, drop_id, type, occurred_at, envelope) "
    "VALUES ($1::uuid, $2::uuid, $3, " LD_TIME_PARAM(4) ", $5) "
    "ON CONFLICT (id) DO NOTHING RETURNING id";

constexpr char kTakeParked[] = R"sql(
WITH taken AS (
  DELETE FROM pending_broadcasts WHERE drop_id = $1::uuid RETURNING id, occurred_at, envelope
)
SELECT id::text, envelope FROM taken ORDER BY occurred_at, id
)sql";

// Follow events of one pair arrive in order (keyed by creator), but a redelivered older one
// must not undo a newer one: only an event newer than the last applied changes the row. An
// unfollow seen first still creates an (inactive) row so that a stale follow cannot win.
// `since` moves only when an inactive follow becomes active: the moment the user last
// started following.
constexpr char kApplyFollow[] =
    "INSERT INTO follows AS f (user_id, creator_id, since, active, changed_at) "
    "VALUES ($1::uuid, $2::uuid, " LD_TIME_PARAM(4) ", $3, " LD_TIME_PARAM(4) ") "
    "ON CONFLICT (user_id, creator_id) DO UPDATE "
    "SET since = CASE WHEN EXCLUDED.active AND NOT f.active THEN EXCLUDED.since ELSE f.since END, "
    "    active = EXCLUDED.active, changed_at = EXCLUDED.changed_at "
    "WHERE f.changed_at < EXCLUDED.changed_at";

// Past this many creators followed, the inbox walks the broadcasts instead of descending each
// followed creator's index.
constexpr int kFewFollows = 256;
// The walk reads at most this many broadcasts per row of the page before it gives up.
constexpr int kWalkPerRow = 64;

// The merged inbox: the user's personal notifications plus the broadcasts of the creators
// they follow, from the moment they last started following. Broadcasts are stored once per
// creator, never per follower, so a page is found on read in one of two ways (checked with
// EXPLAIN ANALYZE on PostgreSQL 15; figures in docs/ARCHITECTURE.md, "Live notifications"):
//  1. `many` counts the user's follows only up to kFewFollows + 1 (follows_active_idx).
//  2. Few follows: per followed creator, a LATERAL subquery descends broadcasts_by_creator_idx
//     (creator_id, seq DESC) from the cursor and stops after `limit` rows that pass the `since`
//     filter (index-only: occurred_at is INCLUDEd). At most kFewFollows short descents.
//  3. Many follows: `hits` walks every creator's broadcasts in seq order from the cursor
//     (broadcasts_by_seq_idx, index-only), probes follows' primary key for each one (a scalar
//     subquery, so the planner cannot turn it into a join that reads every follow) and stops at
//     `limit` hits, or after kWalkPerRow × limit broadcasts. Its cost depends on the share of
//     the recent broadcasts that come from followed creators, not on how many they are.
//  4. A walk that gave up before the end of the broadcasts (the followed creators are quiet
//     next to the rest) is finished by the per-creator descents of 2 beyond the last broadcast
//     walked (`walk_edge`): the cost is then that of 2 for every follow, as it always was.
//  5. The personal branch is one descent of personal_by_user_idx (user_id, seq DESC); only
//     seqs are merged, and only the final `limit` rows are fetched from the heap, through the
//     UNIQUE indexes on seq.
// Each step that a page does not need is a one-time filter: PostgreSQL never runs it.
// The same text serves both directions: newest first below a cursor (ListNotifications) and
// oldest first above a position (ListSince).
std::string MergedInboxSql(bool ascending) {
  const std::string cmp = ascending ? ">" : "<";
  const std::string dir = ascending ? "ASC" : "DESC";
  const std::string walk = "$3::int * " + std::to_string(kWalkPerRow);
  return R"sql(
WITH many AS (
  SELECT count(*) > )sql" +
         std::to_string(kFewFollows) + R"sql( AS yes
    FROM (SELECT 1 FROM follows WHERE user_id = $1::uuid AND active LIMIT )sql" +
         std::to_string(kFewFollows + 1) + R"sql() f
), hits AS (
  SELECT w.seq FROM (
    SELECT b.seq, b.creator_id, b.occurred_at FROM broadcasts b
     WHERE (SELECT yes FROM many) AND b.seq )sql" +
         cmp + R"sql( $2::bigint
     ORDER BY b.seq )sql" +
         dir + " LIMIT " + walk + R"sql() w
   WHERE (SELECT f.since FROM follows f
           WHERE f.user_id = $1::uuid AND f.creator_id = w.creator_id AND f.active)
         <= w.occurred_at
   ORDER BY w.seq )sql" +
         dir + R"sql( LIMIT $3::int
), walk_edge AS (
  SELECT b.seq FROM broadcasts b WHERE b.seq )sql" +
         cmp + R"sql( $2::bigint
   ORDER BY b.seq )sql" +
         dir + " OFFSET " + walk + R"sql( - 1 LIMIT 1
), walk_answers AS (
  SELECT (SELECT yes FROM many)
         AND ((SELECT count(*) FROM hits) >= $3::int OR NOT EXISTS (SELECT 1 FROM walk_edge))
         AS yes
), candidates AS (
  (SELECT p.seq, false AS broadcast
     FROM personal_notifications p
    WHERE p.user_id = $1::uuid AND p.seq )sql" +
         cmp + R"sql( $2::bigint
    ORDER BY p.seq )sql" +
         dir + R"sql( LIMIT $3::int)
  UNION ALL
  SELECT seq, true FROM hits
  UNION ALL
  SELECT c.seq, true
    FROM follows f
    CROSS JOIN LATERAL (
      SELECT b.seq
        FROM broadcasts b
       WHERE b.creator_id = f.creator_id AND b.seq )sql" +
         cmp + R"sql( $2::bigint AND b.occurred_at >= f.since
         AND (NOT (SELECT yes FROM many) OR b.seq )sql" +
         cmp + R"sql( (SELECT seq FROM walk_edge))
       ORDER BY b.seq )sql" +
         dir + R"sql( LIMIT $3::int) c
   WHERE f.user_id = $1::uuid AND f.active AND NOT (SELECT yes FROM walk_answers)
), page AS (
  SELECT seq, broadcast FROM candidates ORDER BY seq )sql" +
         dir + R"sql( LIMIT $3::int
)
SELECT p.id::text, p.seq, p.type, )sql" LD_TIME_COLUMN("p.occurred_at") R"sql(, p.data::text,
       false AS broadcast, p.user_id::text
  FROM page JOIN personal_notifications p ON p.seq = page.seq
 WHERE NOT page.broadcast
UNION ALL
SELECT b.id::text, b.seq, b.type, )sql" LD_TIME_COLUMN("b.occurred_at") R"sql(, b.data::text,
       true, b.creator_id::text
  FROM page JOIN broadcasts b ON b.seq = page.seq
 WHERE page.broadcast
ORDER BY seq )sql" +
         dir;
}

const std::string kInboxNewestFirst = MergedInboxSql(false);
const std::string kInboxOldestFirstAfter = MergedInboxSql(true);

// The per-creator form of the merge above (2), counted over a (from, to] range of seq: MarkRead
// only, one descent per followed creator.
constexpr char kCountInbox[] = R"sql(
WITH followed AS (
  SELECT creator_id, since FROM follows WHERE user_id = $1::uuid AND active
)
SELECT (SELECT count(*) FROM personal_notifications p
         WHERE p.user_id = $1::uuid AND p.seq > $2::bigint AND p.seq <= $3::bigint)
     + (SELECT count(*)
          FROM followed f
          CROSS JOIN LATERAL (
            SELECT 1 FROM broadcasts b
             WHERE b.creator_id = f.creator_id AND b.seq > $2::bigint AND b.seq <= $3::bigint
               AND b.occurred_at >= f.since) c)
)sql";

// A position may be any broadcast (a creator's broadcasts are public) but only the user's own
// personal notifications.
constexpr char kFindSeq[] = R"sql(
SELECT seq FROM personal_notifications WHERE id = $2::uuid AND user_id = $1::uuid
UNION ALL
SELECT seq FROM broadcasts WHERE id = $2::uuid
LIMIT 1
)sql";

constexpr char kReadMark[] = "SELECT up_to_seq FROM read_marks WHERE user_id = $1::uuid";
constexpr char kEnsureReadMark[] =
    "INSERT INTO read_marks (user_id) VALUES ($1::uuid) ON CONFLICT (user_id) DO NOTHING";
constexpr char kLockReadMark[] =
    "SELECT up_to_seq FROM read_marks WHERE user_id = $1::uuid FOR UPDATE";
constexpr char kSetReadMark[] =
    "UPDATE read_marks SET up_to_seq = GREATEST(up_to_seq, $2::bigint) WHERE user_id = $1::uuid";

#undef LD_TIME_PARAM
#undef LD_TIME_COLUMN

std::int64_t Micros(TimePoint t) { return t.time_since_epoch().count(); }

std::vector<NotificationRow> ReadRows(const pqxx::result& result) {
  std::vector<NotificationRow> out;
  out.reserve(result.size());
  for (const auto& r : result) {
    NotificationRow row;
    row.id = r[0].as<std::string>();
    row.seq = r[1].as<std::int64_t>();
    row.type = r[2].as<std::string>();
    row.time = TimePoint(std::chrono::microseconds(r[3].as<std::int64_t>()));
    row.data_json = r[4].as<std::string>();
    row.audience = r[5].as<bool>() ? Audience::kCreator : Audience::kUser;
    row.audience_id = r[6].as<std::string>();
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

std::optional<std::int64_t> NotificationsStore::Insert(pqxx::transaction_base& tx,
                                                       const NotificationRow& row) {
  const auto result =
      tx.exec_params(row.audience == Audience::kUser ? kInsertPersonal : kInsertBroadcast, row.id,
                     row.audience_id, row.type, Micros(row.time), row.data_json);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<std::int64_t>();
}

void NotificationsStore::RememberDrop(pqxx::transaction_base& tx, const std::string& drop_id,
                                      const std::string& creator_id, const std::string& product_id,
                                      const std::string& title) {
  tx.exec_params(kRememberDrop, drop_id, creator_id, product_id, title);
}

std::optional<DropOwner> NotificationsStore::FindDrop(pqxx::transaction_base& tx,
                                                      const std::string& drop_id) {
  const auto result = tx.exec_params(kFindDrop, drop_id);
  if (result.empty()) return std::nullopt;
  return DropOwner{result[0][0].as<std::string>(), result[0][1].as<std::string>()};
}

void NotificationsStore::LockDrop(pqxx::transaction_base& tx, const std::string& drop_id) {
  tx.exec_params(kLockDrop, drop_id);
}

bool NotificationsStore::Park(pqxx::transaction_base& tx, const std::string& id,
                              const std::string& drop_id, const std::string& type, TimePoint time,
                              const std::string& envelope) {
  return !tx.exec_params(kPark, id, drop_id, type, Micros(time), envelope).empty();
}

std::vector<ParkedEvent> NotificationsStore::TakeParked(pqxx::transaction_base& tx,
                                                        const std::string& drop_id) {
  std::vector<ParkedEvent> out;
  for (const auto& r : tx.exec_params(kTakeParked, drop_id)) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>()});
  }
  return out;
}

void NotificationsStore::ApplyFollow(pqxx::transaction_base& tx, const std::string& user_id,
                                     const std::string& creator_id, bool active, TimePoint at) {
  tx.exec_params(kApplyFollow, user_id, creator_id, active, Micros(at));
}

std::vector<NotificationRow> NotificationsStore::ListInbox(pqxx::transaction_base& tx,
                                                           const std::string& user_id,
                                                           std::optional<std::int64_t> before_seq,
                                                           int limit) {
  return ReadRows(tx.exec_params(kInboxNewestFirst, user_id,
                                 before_seq.value_or(std::numeric_limits<std::int64_t>::max()),
                                 limit));
}

std::vector<NotificationRow> NotificationsStore::ListInboxAfter(pqxx::transaction_base& tx,
                                                                const std::string& user_id,
                                                                std::int64_t after_seq, int limit) {
  return ReadRows(tx.exec_params(kInboxOldestFirstAfter, user_id, after_seq, limit));
}

std::int64_t NotificationsStore::CountInbox(pqxx::transaction_base& tx, const std::string& user_id,
                                            std::int64_t after_seq, std::int64_t up_to_seq) {
  return tx.exec_params1(kCountInbox, user_id, after_seq, up_to_seq)[0].as<std::int64_t>();
}

std::optional<std::int64_t> NotificationsStore::FindSeq(pqxx::transaction_base& tx,
                                                        const std::string& user_id,
                                                        const std::string& id) {
  const auto result = tx.exec_params(kFindSeq, user_id, id);
  if (result.empty()) return std::nullopt;
  return result[0][0].as<std::int64_t>();
}

std::int64_t NotificationsStore::ReadMark(pqxx::transaction_base& tx, const std::string& user_id) {
  const auto result = tx.exec_params(kReadMark, user_id);
  return result.empty() ? 0 : result[0][0].as<std::int64_t>();
}

std::int64_t NotificationsStore::LockReadMark(pqxx::transaction_base& tx,
                                              const std::string& user_id) {
  tx.exec_params(kEnsureReadMark, user_id);
  return tx.exec_params1(kLockReadMark, user_id)[0].as<std::int64_t>();
}

void NotificationsStore::SetReadMark(pqxx::transaction_base& tx, const std::string& user_id,
                                     std::int64_t up_to_seq) {
  tx.exec_params(kSetReadMark, user_id, up_to_seq);
}

}  // namespace livedrop::notifications
