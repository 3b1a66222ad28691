#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "livedrop/core/time.h"

// Follow-graph rules with no I/O, and the rows they speak of.
namespace livedrop::followers {

inline constexpr int kCountSlots = 16;

// A user's role as far as following goes (auth's roles; kOther for one this service does not
// know yet).
enum class Role { kBuyer, kCreator, kAdmin, kOther };

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

// One user's counts in a batch answer.
struct UserCounts {
  std::string user_id;
  Counts counts;
};

// One page of a follower or following list, newest first.
struct FollowPage {
  std::vector<FollowRow> items;
  std::string next_cursor;  // empty on the last page
};

// Nobody follows themselves; only creators can be followed.
void ValidateFollow(const std::string& follower_id, const std::string& creator_id,
                    Role creator_role);

// `rows` holds up to limit + 1 rows, newest first; the extra one only says "there is more",
// and the cursor then points past the last row shown.
FollowPage PageOf(std::vector<FollowRow> rows, int limit);

}  // namespace livedrop::followers
