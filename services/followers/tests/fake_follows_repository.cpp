#include "fake_follows_repository.h"

#include <algorithm>

namespace livedrop::followers {

FollowOutcome FakeFollowsRepository::Follow(const std::string& follower, const std::string& creator,
                                            std::int64_t max_following) {
  if (max_following > 0 && !Find(follower, creator) &&
      counts_[follower].following >= max_following) {
    return FollowOutcome{FollowRow{}, false, true};
  }
  auto [it, inserted] = edges_.try_emplace({creator, follower});
  Edge& edge = it->second;
  if (inserted) edge.row = FollowRow{follower, creator, Now(), next_seq_++};
  if (edge.active) return FollowOutcome{edge.row, false};
  edge.active = true;
  edge.row.since = Now();
  ++writes_;
  ++counts_[creator].followers;
  ++counts_[creator].version;
  ++counts_[follower].following;
  ++counts_[follower].version;
  return FollowOutcome{edge.row, true};
}

bool FakeFollowsRepository::Unfollow(const std::string& follower, const std::string& creator) {
  const auto it = edges_.find({creator, follower});
  if (it == edges_.end() || !it->second.active) return false;
  it->second.active = false;
  ++writes_;
  --counts_[creator].followers;
  ++counts_[creator].version;
  --counts_[follower].following;
  ++counts_[follower].version;
  return true;
}

std::optional<FollowRow> FakeFollowsRepository::Find(const std::string& follower,
                                                     const std::string& creator) {
  const auto it = edges_.find({creator, follower});
  if (it == edges_.end() || !it->second.active) return std::nullopt;
  return it->second.row;
}

std::vector<FollowRow> FakeFollowsRepository::Active(bool by_creator, const std::string& id,
                                                     std::optional<std::int64_t> before_seq,
                                                     int limit) const {
  std::vector<FollowRow> rows;
  for (const auto& [key, edge] : edges_) {
    const std::string& owner = by_creator ? key.first : key.second;
    if (owner == id && edge.active && (!before_seq || edge.row.seq < *before_seq)) {
      rows.push_back(edge.row);
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const FollowRow& a, const FollowRow& b) { return a.seq > b.seq; });
  if (static_cast<int>(rows.size()) > limit) rows.resize(static_cast<std::size_t>(limit));
  return rows;
}

std::vector<FollowRow> FakeFollowsRepository::Followers(const std::string& creator,
                                                        std::optional<std::int64_t> before_seq,
                                                        int limit) {
  return Active(true, creator, before_seq, limit);
}

std::vector<FollowRow> FakeFollowsRepository::Following(const std::string& follower,
                                                        std::optional<std::int64_t> before_seq,
                                                        int limit) {
  return Active(false, follower, before_seq, limit);
}

Counts FakeFollowsRepository::ReadCounts(const std::string& user) {
  const auto it = counts_.find(user);
  return it == counts_.end() ? Counts{} : it->second;
}

std::vector<UserCounts> FakeFollowsRepository::ReadCountsOf(const std::vector<std::string>& users) {
  ++batch_reads_;
  last_batch_ = users;
  std::vector<UserCounts> counts;
  for (const auto& user : users) {  // users with no change have no row, as in follow_counts
    if (const auto it = counts_.find(user); it != counts_.end()) {
      counts.push_back(UserCounts{user, it->second});
    }
  }
  return counts;
}

}  // namespace livedrop::followers
