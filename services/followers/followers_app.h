#pragma once

#include <optional>
#include <string>
#include <vector>

#include "followers_logic.h"
#include "followers_options.h"
#include "followers_store.h"
#include "livedrop/redis/versioned_cache.h"
#include "user_directory.h"

namespace livedrop::pg {
class Pool;
}

namespace livedrop::followers {

class AuthPort;

// FollowsRepository on PostgreSQL: each use case one transaction with its count changes (in a
// random slot, see followers_logic's kCountSlots) and its event.
class PgFollowsRepository final : public FollowsRepository {
 public:
  explicit PgFollowsRepository(pg::Pool& pool) : pool_(pool) {}

  FollowOutcome Follow(const std::string& follower, const std::string& creator,
                       std::int64_t max_following) override;
  bool Unfollow(const std::string& follower, const std::string& creator) override;
  std::optional<FollowRow> Find(const std::string& follower, const std::string& creator) override;
  std::vector<FollowRow> Followers(const std::string& creator,
                                   std::optional<std::int64_t> before_seq, int limit) override;
  std::vector<FollowRow> Following(const std::string& follower,
                                   std::optional<std::int64_t> before_seq, int limit) override;
  Counts ReadCounts(const std::string& user) override;
  std::vector<UserCounts> ReadCountsOf(const std::vector<std::string>& users) override;

 private:
  pg::Pool& pool_;
};

// The follow graph as users see it: follow, unfollow, is-following, the two lists and the
// counts. The only layer that reaches livedrop-auth (through its port, roles remembered by a
// UserDirectory) and that fills the counts cache: ld:followers:counts:<id> in Redis, written
// through after every change and versioned by the user's number of count changes, so an older
// read never replaces a newer one.
class FollowersApp {
 public:
  FollowersApp(FollowsRepository& follows, AuthPort& auth, redis::VersionedCache counts,
               const FollowersOptions& options);

  // The creator must exist (not_found) and be a creator (not_a_creator), and not be the
  // follower (cannot_follow_self). Idempotent: `created` says whether this call followed. A
  // new follow past options.max_following is follow_limit_reached (FAILED_PRECONDITION),
  // decided in the follow's own transaction: follows of one user at the same moment never
  // pass the cap together.
  FollowOutcome Follow(const std::string& follower_id, const std::string& creator_id);
  // True only when the user was following.
  bool Unfollow(const std::string& follower_id, const std::string& creator_id);
  std::optional<FollowRow> Find(const std::string& follower_id, const std::string& creator_id);
  // `limit` 0 means the default page size; `cursor` empty means the first page.
  FollowPage Followers(const std::string& creator_id, int limit, const std::string& cursor);
  FollowPage Following(const std::string& follower_id, int limit, const std::string& cursor);
  Counts GetCounts(const std::string& user_id);
  // Each user's counts as GetCounts answers them, in the order of the ids' first appearance
  // (BatchUuids: repeats answered once, malformed ids absent, more than kMaxBatchSize ids
  // validation_failed on "user_ids"); cached counts per id, one read for all the misses (then
  // cached), none for an empty list.
  std::vector<UserCounts> BatchGetCounts(const std::vector<std::string>& user_ids);

 private:
  // not_found (naming `what`) unless auth knows the id; returns the user's role.
  Role RequireUser(const std::string& id, const char* what);
  Counts LoadCounts(const std::string& user_id);  // and fill the cache

  FollowsRepository& follows_;
  UserDirectory users_;
  redis::VersionedCache counts_;
  int max_following_;
};

}  // namespace livedrop::followers
