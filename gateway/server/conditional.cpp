#include "server/conditional.h"

#include <cstdint>
#include <cstdio>

namespace livedrop::gateway::conditional {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The opaque-tag of an entity tag with any W/ removed ("\"abc\""), or empty if `tag` is not one.
std::string_view OpaqueTag(std::string_view tag) {
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') return {};
  return tag;
}

}  // namespace

std::string EntityTagOf(std::string_view body) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char c : body) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char out[19];
  std::snprintf(out, sizeof out, "\"%016llx\"", static_cast<unsigned long long>(hash));
  return out;
}

bool NoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
  const auto ours = OpaqueTag(etag);
  if (Trim(if_none_match) == "*") return true;
  if (ours.empty()) return false;
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    const auto entry = Trim(if_none_match.substr(0, comma));
    if (const auto theirs = OpaqueTag(entry); !theirs.empty() && theirs == ours) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace livedrop::gateway::conditional
