#pragma once

#include <cstdint>
#include <optional>
#include <string>

// Follow-graph rules with no I/O.
namespace livedrop::followers {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;
inline constexpr int kCountSlots = 16;

// 0 → the default; otherwise 1..kMaxPageSize, else validation_failed.
int PageSize(int requested);

// Cursors are opaque to clients: base64url of the last row's sequence number.
std::string EncodeCursor(std::int64_t seq);
// Empty → no cursor (first page). Malformed → validation_failed on field "cursor".
std::optional<std::int64_t> DecodeCursor(const std::string& cursor);

// Nobody follows themselves; only creators can be followed (role as auth names it).
void ValidateFollow(const std::string& follower_id, const std::string& creator_id,
                    const std::string& creator_role);

}  // namespace livedrop::followers
