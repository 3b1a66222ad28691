#include "followers_app.h"

#include <cstdio>
#include <pqxx/pqxx>
#include <random>
#include <unordered_map>

#include "followers_events.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/core/paging.h"
#include "livedrop/pg/pool.h"

namespace livedrop::followers {
namespace {

int RandomSlot() {
  thread_local std::minstd_rand rng(std::random_device{}());
  return static_cast<int>(rng() % kCountSlots);
}

std::string CountsKey(const std::string& user_id) { return "ld:followers:counts:" + user_id; }

std::string EncodeCounts(const Counts& c) {
  return std::to_string(c.followers) + " " + std::to_string(c.following);
}

std::optional<Counts> DecodeCounts(const std::string& cached) {
  Counts c;
  if (std::sscanf(cached.c_str(), "%ld %ld", &c.followers, &c.following) != 2) return std::nullopt;
  return c;
}

}  // namespace

FollowOutcome PgFollowsRepository::Follow(const std::string& follower, const std::string& creator,
                                          std::int64_t max_following) {
  return pool_.Transact([&](pqxx::work& tx) {
    if (max_following > 0) {
      // Under the lock every earlier follow of this user has committed, so the count is exact.
      FollowersStore::LockFollower(tx, follower);
      if (auto existing = FollowersStore::Find(tx, follower, creator)) {
        return FollowOutcome{std::move(*existing), false};
      }
      if (FollowersStore::ReadCounts(tx, follower).following >= max_following) {
        return FollowOutcome{FollowRow{}, false, true};
      }
    }
    if (auto created = FollowersStore::Follow(tx, follower, creator)) {
      FollowersStore::AddToCounts(tx, creator, follower, +1, RandomSlot());
      EmitFollowed(tx, *created);
      return FollowOutcome{std::move(*created), true};
    }
    return FollowOutcome{*FollowersStore::Find(tx, follower, creator), false};
  });
}

bool PgFollowsRepository::Unfollow(const std::string& follower, const std::string& creator) {
  return pool_.Transact([&](pqxx::work& tx) {
    if (!FollowersStore::Unfollow(tx, follower, creator)) return false;
    FollowersStore::AddToCounts(tx, creator, follower, -1, RandomSlot());
    EmitUnfollowed(tx, follower, creator);
    return true;
  });
}

std::optional<FollowRow> PgFollowsRepository::Find(const std::string& follower,
                                                   const std::string& creator) {
  return pool_.Transact(
      [&](pqxx::work& tx) { return FollowersStore::Find(tx, follower, creator); });
}

std::vector<FollowRow> PgFollowsRepository::Followers(const std::string& creator,
                                                      std::optional<std::int64_t> before_seq,
                                                      int limit) {
  return pool_.Transact(
      [&](pqxx::work& tx) { return FollowersStore::Followers(tx, creator, before_seq, limit); });
}

std::vector<FollowRow> PgFollowsRepository::Following(const std::string& follower,
                                                      std::optional<std::int64_t> before_seq,
                                                      int limit) {
  return pool_.Transact(
      [&](pqxx::work& tx) { return FollowersStore::Following(tx, follower, before_seq, limit); });
}

Counts PgFollowsRepository::ReadCounts(const std::string& user) {
  return pool_.Transact([&](pqxx::work& tx) { return FollowersStore::ReadCounts(tx, user); });
}

std::vector<UserCounts> PgFollowsRepository::ReadCountsOf(const std::vector<std::string>& users) {
  return pool_.Transact([&](pqxx::work& tx) { return FollowersStore::ReadCountsOf(tx, users); });
}

FollowersApp::FollowersApp(FollowsRepository& follows, AuthPort& auth, redis::VersionedCache counts,
                           const FollowersOptions& options)
    : follows_(follows),
      users_(auth, options.remembered_roles),
      counts_(std::move(counts)),
      max_following_(options.max_following) {}

Role FollowersApp::RequireUser(const std::string& id, const char* what) {
  if (!IsUuid(id)) throw NotFoundError(what);
  const auto role = users_.RoleOf(id);
  if (!role) throw NotFoundError(what);
  return *role;
}

FollowOutcome FollowersApp::Follow(const std::string& follower_id, const std::string& creator_id) {
  ValidateFollow(follower_id, creator_id, RequireUser(creator_id, "creator"));
  auto outcome = follows_.Follow(follower_id, creator_id, max_following_);
  if (outcome.at_limit) {
    throw Error(ErrorKind::kFailedPrecondition, "follow_limit_reached",
                "following " + std::to_string(max_following_) +
                    " creators already: unfollow one first");
  }
  if (outcome.created) {
    LoadCounts(creator_id);
    LoadCounts(follower_id);
  }
  return outcome;
}

bool FollowersApp::Unfollow(const std::string& follower_id, const std::string& creator_id) {
  RequireUser(creator_id, "creator");
  const bool removed = follows_.Unfollow(follower_id, creator_id);
  if (removed) {
    LoadCounts(creator_id);
    LoadCounts(follower_id);
  }
  return removed;
}

std::optional<FollowRow> FollowersApp::Find(const std::string& follower_id,
                                            const std::string& creator_id) {
  RequireUser(creator_id, "creator");
  return follows_.Find(follower_id, creator_id);
}

FollowPage FollowersApp::Followers(const std::string& creator_id, int limit,
                                   const std::string& cursor) {
  const int size = PageSize(limit);
  const auto before = DecodeCursor(cursor);
  RequireUser(creator_id, "creator");
  return PageOf(follows_.Followers(creator_id, before, size + 1), size);
}

FollowPage FollowersApp::Following(const std::string& follower_id, int limit,
                                   const std::string& cursor) {
  const int size = PageSize(limit);
  const auto before = DecodeCursor(cursor);
  if (!IsUuid(follower_id)) throw NotFoundError("user");
  return PageOf(follows_.Following(follower_id, before, size + 1), size);
}

Counts FollowersApp::GetCounts(const std::string& user_id) {
  if (!IsUuid(user_id)) throw NotFoundError("user");
  if (const auto cached = counts_.Get(CountsKey(user_id))) {
    if (const auto counts = DecodeCounts(*cached)) return *counts;
  }
  return LoadCounts(user_id);
}

std::vector<UserCounts> FollowersApp::BatchGetCounts(const std::vector<std::string>& user_ids) {
  const auto wanted = BatchUuids(user_ids, "user_ids");
  std::vector<UserCounts> answer;
  answer.reserve(wanted.size());
  std::unordered_map<std::string, std::size_t> missed;  // id → its place in the answer
  for (const auto& id : wanted) {
    answer.push_back(UserCounts{id, Counts{}});
    const auto cached = counts_.Get(CountsKey(id));
    const auto counts = cached ? DecodeCounts(*cached) : std::nullopt;
    if (counts) {
      answer.back().counts = *counts;
    } else {
      missed.emplace(id, answer.size() - 1);
    }
  }
  if (missed.empty()) return answer;
  std::vector<std::string> misses;
  misses.reserve(missed.size());
  for (const auto& [id, place] : missed) misses.push_back(id);
  for (auto& row : follows_.ReadCountsOf(misses)) {
    if (const auto place = missed.find(row.user_id); place != missed.end()) {
      answer[place->second].counts = row.counts;
    }
  }
  for (const auto& [id, place] : missed) {  // zeros too, as LoadCounts caches them
    const Counts& counts = answer[place].counts;
    counts_.PutIfNewer(CountsKey(id), counts.version, EncodeCounts(counts));
  }
  return answer;
}

Counts FollowersApp::LoadCounts(const std::string& user_id) {
  const auto counts = follows_.ReadCounts(user_id);
  counts_.PutIfNewer(CountsKey(user_id), counts.version, EncodeCounts(counts));
  return counts;
}

}  // namespace livedrop::followers
