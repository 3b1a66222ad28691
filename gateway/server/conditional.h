#pragma once

#include <string>
#include <string_view>

// Conditional requests (RFC 9110 §8.8.3, §13.1.2): entity tags and If-None-Match.
namespace livedrop::gateway::conditional {

// A strong entity tag for a representation: its bytes hashed (64-bit FNV-1a), quoted. The same
// body gives the same tag in every gateway instance, so a CDN in front of several agrees.
std::string EntityTagOf(std::string_view body);

// True when an If-None-Match field value matches `etag`: `*`, or a comma-separated list with an
// entry equal to it by the weak comparison (W/ prefixes ignored on both sides). An entry that is
// not a quoted tag matches nothing.
bool NoneMatchMatches(std::string_view if_none_match, std::string_view etag);

// What public, per-id reads say: a shared cache may serve one for a second and, while it
// revalidates, a little longer.
inline constexpr char kPublicShortLived[] = "public, max-age=1, stale-while-revalidate=5";
// What an answer for an authenticated caller says: nobody else may keep it.
inline constexpr char kPrivate[] = "private, no-store";

}  // namespace livedrop::gateway::conditional
