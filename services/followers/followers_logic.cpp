#include "followers_logic.h"

#include "livedrop/core/error.h"

namespace livedrop::followers {

void ValidateFollow(const std::string& follower_id, const std::string& creator_id,
                    const std::string& creator_role) {
  if (follower_id == creator_id) {
    throw Error(ErrorKind::kFailedPrecondition, "cannot_follow_self", "you cannot follow yourself");
  }
  if (creator_role != "creator") {
    throw Error(ErrorKind::kFailedPrecondition, "not_a_creator", "only creators can be followed");
  }
}

}  // namespace livedrop::followers
