#include "counts_view.h"

#include <pqxx/pqxx>

#include <cstdio>

#include "livedrop/pg/pool.h"

namespace livedrop::followers {
namespace {

std::string Key(const std::string& user_id) { return "ld:followers:counts:" + user_id; }

std::string Encode(const Counts& c) {
  return std::to_string(c.followers) + " " + std::to_string(c.following);
}

}  // namespace

CountsView::CountsView(pg::Pool& pool, redis::VersionedCache cache)
    : pool_(pool), cache_(std::move(cache)) {}

Counts CountsView::Load(const std::string& user_id) {
  const auto counts =
      pool_.Transact([&](pqxx::work& tx) { return FollowersStore::ReadCounts(tx, user_id); });
  cache_.PutIfNewer(Key(user_id), counts.version, Encode(counts));
  return counts;
}

Counts CountsView::Get(const std::string& user_id) {
  if (const auto cached = cache_.Get(Key(user_id))) {
    Counts c;
    if (std::sscanf(cached->c_str(), "%ld %ld", &c.followers, &c.following) == 2) return c;
  }
  return Load(user_id);
}

void CountsView::Refresh(const std::string& user_id) { Load(user_id); }

}  // namespace livedrop::followers
