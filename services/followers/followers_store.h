#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "livedrop/core/time.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::followers {

struct FollowRow {
  std::string follower_id;
  std::string creator_id;
  TimePoint since;
  std::int64_t seq = 0;
};

struct Counts {
  std::int64_t followers = 0;
  std::int64_t following = 0;
  std::int64_t version = 0;  // grows with every committed change
};

// The SQL of the followers schema; every method runs in the caller's transaction.
class FollowersStore {
 public:
  // Inserts or reactivates; returns the follow only when the state changed (so counts and
  // events happen once however often a client retries).
  static std::optional<FollowRow> Follow(pqxx::transaction_base& tx, const std::string& follower,
                                         const std::string& creator);
  // Deactivates; true only when the user was following.
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
};

}  // namespace livedrop::followers
