#pragma once

#include <map>
#include <string>
#include <utility>

#include "followers_store.h"

namespace livedrop::followers {

// The follow graph in memory, with the semantics of PgFollowsRepository: a re-follow keeps its
// seq, counts change only when the state does. Records how many follows were written.
// Not thread-safe.
class FakeFollowsRepository final : public FollowsRepository {
 public:
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

  int writes() const { return writes_; }  // state changes: follows and unfollows that counted
  // ReadCountsOf calls, and the users they asked for.
  int batch_reads() const { return batch_reads_; }
  const std::vector<std::string>& last_batch() const { return last_batch_; }

 private:
  struct Edge {
    FollowRow row;
    bool active = false;
  };
  std::vector<FollowRow> Active(bool by_creator, const std::string& id,
                                std::optional<std::int64_t> before_seq, int limit) const;

  std::map<std::pair<std::string, std::string>, Edge> edges_;  // (creator, follower)
  std::map<std::string, Counts> counts_;
  std::int64_t next_seq_ = 1;
  int writes_ = 0;
  int batch_reads_ = 0;
  std::vector<std::string> last_batch_;
};

}  // namespace livedrop::followers
