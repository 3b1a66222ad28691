#pragma once

#include <map>
#include <string>

#include "livedrop/http/message.h"

namespace livedrop::http {

// An RFC 9457 application/problem+json response:
// {"type":"https://livedrop.dev/problems/<code>","title","status","detail","code","request_id"}.
// `extensions` become further members (e.g. "field", "order_id"); they never replace the
// members above. 429 and 503 carry `Retry-After: 1`.
Response Problem(int status, const std::string& code, const std::string& title,
                 const std::string& detail, const std::string& request_id = "",
                 const std::map<std::string, std::string>& extensions = {});

}  // namespace livedrop::http
