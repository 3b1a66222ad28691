#pragma once

#include <string>

#include <boost/json/array.hpp>

#include "livedrop/http/message.h"

namespace livedrop::gateway {

struct PageRequest {
  int limit = 0;  // 0: the service's default
  std::string cursor;
};

// ?limit=&cursor= from the query string; a non-numeric limit is validation_failed.
PageRequest ReadPageRequest(const http::Request& request);

// {"items": [...], "next_cursor": "..." | null}
std::string PageJson(boost::json::array items, const std::string& next_cursor);

}  // namespace livedrop::gateway
