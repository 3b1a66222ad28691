#pragma once

#include <string>

// Follow-graph rules with no I/O.
namespace livedrop::followers {

inline constexpr int kCountSlots = 16;

// Nobody follows themselves; only creators can be followed (role as auth names it).
void ValidateFollow(const std::string& follower_id, const std::string& creator_id,
                    const std::string& creator_role);

}  // namespace livedrop::followers
