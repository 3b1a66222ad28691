#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "followers_logic.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::followers {

// The SQL of the followers schema (named constants in followers_store.cpp); every method runs
// in the caller's transaction.
class FollowersStore {
 public:
  // Inserts or reactivates; returns the follow only when the state changed (so counts and
  // events happen once however often a client retries).
  static std::optional<FollowRow> Follow(pqxx::transaction_base& tx, const std::string& follower,
                                         const std::string& creator);
  // Deactivates; true only when the user was following.
  // Serializes one follower's follows until the transaction ends (an advisory lock), so a
  // count of whom they follow stays true until then.
  static void LockFollower(pqxx::transaction_base& tx, const std::string& follower);
  static bool Unfollow(pqxx::transaction_base& tx, const std::string& follower,
                       const std::string& creator);
  static std::optional<FollowRow> Find(pqxx::transaction_base& tx, const std::string& follower,
                                       const std::string& creator);

  // Newest first, strictly older than `before_seq` when given; at most `limit` rows.
  static std::vector<FollowRow> Followers(pqxx::transaction_base& tx, const std::string& creator,
                                          std::optional<std::int64_t> before_seq, int limit);
  static std::vector<FollowRow> Following(pqxx::transaction_base& tx, const std::string& follower,
                                          std::optional<std::int64_t> before_seq, int limit);

  // Adds deltas to one slot of each user's counters.
  static void AddToCounts(pqxx::transaction_base& tx, const std::string& creator,
                          const std::string& follower, int delta, int slot);
  static Counts ReadCounts(pqxx::transaction_base& tx, const std::string& user);
  // The counts of those among `users` (UUIDs) with any counted change, in no particular order;
  // the others count zero at version 0, as ReadCounts answers them.
  static std::vector<UserCounts> ReadCountsOf(pqxx::transaction_base& tx,
                                              const std::vector<std::string>& users);
};

struct FollowOutcome {
  FollowRow follow;
  bool created = false;     // false: the user already followed, or `at_limit`
  bool at_limit = false;    // nothing changed: the user already follows the most they may
};

// The follow graph as the app uses it, as a port: the app runs on a fake of it in unit tests
// (tests/fake_follows_repository.h). The PostgreSQL implementation (PgFollowsRepository,
// followers_app.h) runs the statements above, each use case in one transaction with its count
// changes and its event; it lives in the app layer because it opens the transactions and writes
// the events.
class FollowsRepository {
 public:
  virtual ~FollowsRepository() = default;

  // Follows (or re-follows); counts and the followed event only when the state changed. With
  // `max_following` > 0 a new follow is refused (`at_limit`) when the follower already follows
  // that many creators, checked atomically with the follow: concurrent follows of one user
  // never pass the cap together.
  virtual FollowOutcome Follow(const std::string& follower, const std::string& creator,
                               std::int64_t max_following) = 0;
  // Unfollows; counts and the unfollowed event only when the user was following.
  virtual bool Unfollow(const std::string& follower, const std::string& creator) = 0;
  virtual std::optional<FollowRow> Find(const std::string& follower,
                                        const std::string& creator) = 0;
  // As FollowersStore::Followers / Following.
  virtual std::vector<FollowRow> Followers(const std::string& creator,
                                           std::optional<std::int64_t> before_seq, int limit) = 0;
  virtual std::vector<FollowRow> Following(const std::string& follower,
                                           std::optional<std::int64_t> before_seq, int limit) = 0;
  virtual Counts ReadCounts(const std::string& user) = 0;
  // As FollowersStore::ReadCountsOf: one read for many users.
  virtual std::vector<UserCounts> ReadCountsOf(const std::vector<std::string>& users) = 0;
};

}  // namespace livedrop::followers
