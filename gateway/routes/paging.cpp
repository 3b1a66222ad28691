#include "routes/paging.h"

#include <boost/json.hpp>
#include <charconv>

#include "livedrop/core/error.h"

namespace livedrop::gateway {

PageRequest ReadPageRequest(const http::Request& request) {
  PageRequest page;
  const auto limit = request.QueryParam("limit");
  if (limit && !limit->empty()) {
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), page.limit);
    if (ec != std::errc() || end != limit->data() + limit->size() || page.limit < 1) {
      throw ValidationError("limit", "limit must be a positive integer");
    }
  }
  page.cursor = request.QueryParam("cursor").value_or("");
  if (page.cursor.size() > 256) throw ValidationError("cursor", "cursor is too long");
  return page;
}

std::string PageJson(boost::json::array items, const std::string& next_cursor) {
  boost::json::object page{{"items", std::move(items)}};
  if (next_cursor.empty()) {
    page["next_cursor"] = nullptr;
  } else {
    page["next_cursor"] = next_cursor;
  }
  return boost::json::serialize(page);
}

}  // namespace livedrop::gateway
