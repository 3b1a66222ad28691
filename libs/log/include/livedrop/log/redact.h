#pragma once

#include <string>
#include <string_view>

namespace livedrop::log {

// A request target ("/v1/ws?access_token=eyJ...&x=1") fit for a log line: the value of every
// query parameter that carries a credential (access_token, refresh_token, id_token, token,
// password, whatever the case or percent-encoding of its name) replaced by "[redacted]".
// The path and every other parameter stay as they came. Logs are read by more people, and
// kept longer, than the tokens they would otherwise leak.
std::string RedactTarget(std::string_view target);

}  // namespace livedrop::log
