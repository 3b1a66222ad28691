#include "followers_store.h"

#include <pqxx/pqxx>

#include "livedrop/pg/arrays.h"

namespace livedrop::followers {
namespace {

constexpr char kFollow[] = R"sql(
  INSERT INTO follows AS f (creator_id, follower_id) VALUES ($1, $2)
  ON CONFLICT (creator_id, follower_id)
    DO UPDATE SET active = true, followed_at = now() WHERE NOT f.active
  RETURNING follower_id::text, creator_id::text,
            (extract(epoch FROM followed_at) * 1000000)::bigint, seq
)sql";

constexpr char kUnfollow[] = R"sql(
  UPDATE follows SET active = false
  WHERE creator_id = $1 AND follower_id = $2 AND active
  RETURNING seq
)sql";

constexpr char kFind[] = R"sql(
  SELECT follower_id::text, creator_id::text,
         (extract(epoch FROM followed_at) * 1000000)::bigint, seq
  FROM follows WHERE creator_id = $1 AND follower_id = $2 AND active
)sql";

constexpr char kFollowers[] = R"sql(
  SELECT follower_id::text, creator_id::text,
         (extract(epoch FROM followed_at) * 1000000)::bigint, seq
  FROM follows
  WHERE creator_id = $1 AND active AND seq < $2
  ORDER BY seq DESC LIMIT $3
)sql";

constexpr char kFollowing[] = R"sql(
  SELECT follower_id::text, creator_id::text,
         (extract(epoch FROM followed_at) * 1000000)::bigint, seq
  FROM follows
  WHERE follower_id = $1 AND active AND seq < $2
  ORDER BY seq DESC LIMIT $3
)sql";

// Two rows in one statement: the creator gains a follower, the follower a followee.
constexpr char kAddToCounts[] = R"sql(
  INSERT INTO follow_counts (user_id, slot, followers, following, changes)
  VALUES ($1, $4, $3, 0, 1), ($2, $4, 0, $3, 1)
  ON CONFLICT (user_id, slot) DO UPDATE
    SET followers = follow_counts.followers + EXCLUDED.followers,
        following = follow_counts.following + EXCLUDED.following,
        changes = follow_counts.changes + 1
)sql";

constexpr char kReadCounts[] = R"sql(
  SELECT coalesce(sum(followers), 0)::bigint, coalesce(sum(following), 0)::bigint,
         coalesce(sum(changes), 0)::bigint
  FROM follow_counts WHERE user_id = $1
)sql";

constexpr char kReadCountsOf[] = R"sql(
  SELECT user_id::text, sum(followers)::bigint, sum(following)::bigint, sum(changes)::bigint
  FROM follow_counts WHERE user_id = ANY($1::uuid[])
  GROUP BY user_id
)sql";

FollowRow ReadRow(const pqxx::row& r) {
  return FollowRow{r[0].as<std::string>(), r[1].as<std::string>(),
                   TimePoint(std::chrono::microseconds(r[2].as<long long>())),
                   r[3].as<std::int64_t>()};
}

std::vector<FollowRow> ReadRows(const pqxx::result& result) {
  std::vector<FollowRow> rows;
  rows.reserve(result.size());
  for (const auto& r : result) rows.push_back(ReadRow(r));
  return rows;
}

constexpr std::int64_t kNoCursor = INT64_MAX;

// The two-key form keeps these per-follower locks apart from single-key advisory locks.
constexpr char kLockFollower[] =
    "SELECT pg_advisory_xact_lock(hashtext('followers.following'), hashtext($1))";

}  // namespace

std::optional<FollowRow> FollowersStore::Follow(pqxx::transaction_base& tx,
                                                const std::string& follower,
                                                const std::string& creator) {
  const auto result = tx.exec_params(kFollow, creator, follower);
  if (result.empty()) return std::nullopt;
  return ReadRow(result[0]);
}

void FollowersStore::LockFollower(pqxx::transaction_base& tx, const std::string& follower) {
  tx.exec_params(kLockFollower, follower);
}

bool FollowersStore::Unfollow(pqxx::transaction_base& tx, const std::string& follower,
                              const std::string& creator) {
  return !tx.exec_params(kUnfollow, creator, follower).empty();
}

std::optional<FollowRow> FollowersStore::Find(pqxx::transaction_base& tx,
                                              const std::string& follower,
                                              const std::string& creator) {
  const auto result = tx.exec_params(kFind, creator, follower);
  if (result.empty()) return std::nullopt;
  return ReadRow(result[0]);
}

std::vector<FollowRow> FollowersStore::Followers(pqxx::transaction_base& tx,
                                                 const std::string& creator,
                                                 std::optional<std::int64_t> before_seq,
                                                 int limit) {
  return ReadRows(tx.exec_params(kFollowers, creator, before_seq.value_or(kNoCursor), limit));
}

std::vector<FollowRow> FollowersStore::Following(pqxx::transaction_base& tx,
                                                 const std::string& follower,
                                                 std::optional<std::int64_t> before_seq,
                                                 int limit) {
  return ReadRows(tx.exec_params(kFollowing, follower, before_seq.value_or(kNoCursor), limit));
}

void FollowersStore::AddToCounts(pqxx::transaction_base& tx, const std::string& creator,
                                 const std::string& follower, int delta, int slot) {
  tx.exec_params(kAddToCounts, creator, follower, delta, slot);
}

Counts FollowersStore::ReadCounts(pqxx::transaction_base& tx, const std::string& user) {
  const auto r = tx.exec_params1(kReadCounts, user);
  return Counts{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>()};
}

std::vector<UserCounts> FollowersStore::ReadCountsOf(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& users) {
  std::vector<UserCounts> counts;
  for (const auto& r : tx.exec_params(kReadCountsOf, pg::ArrayLiteral(users))) {
    counts.push_back(UserCounts{
        r[0].as<std::string>(),
        Counts{r[1].as<std::int64_t>(), r[2].as<std::int64_t>(), r[3].as<std::int64_t>()}});
  }
  return counts;
}

}  // namespace livedrop::followers
