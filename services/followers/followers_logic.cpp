#include "followers_logic.h"

#include "livedrop/core/error.h"
#include "livedrop/core/paging.h"

namespace livedrop::followers {

void ValidateFollow(const std::string& follower_id, const std::string& creator_id,
                    Role creator_role) {
  if (follower_id == creator_id) {
    throw Error(ErrorKind::kFailedPrecondition, "cannot_follow_self", "you cannot follow yourself");
  }
  if (creator_role != Role::kCreator) {
    throw Error(ErrorKind::kFailedPrecondition, "not_a_creator", "only creators can be followed");
  }
}

FollowPage PageOf(std::vector<FollowRow> rows, int limit) {
  FollowPage page;
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(static_cast<std::size_t>(limit));
  if (more && !rows.empty()) page.next_cursor = EncodeCursor(rows.back().seq);
  page.items = std::move(rows);
  return page;
}

}  // namespace livedrop::followers
