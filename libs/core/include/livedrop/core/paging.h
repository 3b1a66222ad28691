#pragma once

#include <cstdint>
#include <optional>
#include <string>

// Keyset pages: every list is ordered by a sequence number that never changes for an item,
// and a cursor is an opaque encoding of the last sequence number a page showed.
namespace livedrop {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;

// 0 → the default; otherwise 1..kMaxPageSize, else validation_failed on field "limit".
int PageSize(int requested);

std::string EncodeCursor(std::int64_t seq);
// Empty → no cursor (first page). Malformed → validation_failed on field "cursor".
std::optional<std::int64_t> DecodeCursor(const std::string& cursor);

}  // namespace livedrop
