#pragma once

#include <string>

#include "livedrop/http/message.h"

namespace livedrop::http {

// An RFC 9457 application/problem+json response:
// {"type":"https://livedrop.dev/problems/<code>","title","status","detail","code","request_id"}.
Response Problem(int status, const std::string& code, const std::string& title,
                 const std::string& detail, const std::string& request_id = "");

}  // namespace livedrop::http
