#include "livedrop/core/paging.h"

#include <charconv>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop {

int PageSize(int requested) {
  if (requested == 0) return kDefaultPageSize;
  if (requested < 1 || requested > kMaxPageSize) {
    throw ValidationError("limit", "limit must be between 1 and " + std::to_string(kMaxPageSize));
  }
  return requested;
}

std::string EncodeCursor(std::int64_t seq) { return Base64UrlEncode("s" + std::to_string(seq)); }

std::optional<std::int64_t> DecodeCursor(const std::string& cursor) {
  if (cursor.empty()) return std::nullopt;
  std::string raw;
  std::int64_t seq = 0;
  if (cursor.size() > 64 || !Base64UrlDecode(cursor, raw) || raw.size() < 2 || raw[0] != 's') {
    throw ValidationError("cursor", "cursor is not one this API returned");
  }
  const auto [end, ec] = std::from_chars(raw.data() + 1, raw.data() + raw.size(), seq);
  if (ec != std::errc() || end != raw.data() + raw.size() || seq <= 0) {
    throw ValidationError("cursor", "cursor is not one this API returned");
  }
  return seq;
}

}  // namespace livedrop
