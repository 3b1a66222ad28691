#include "livedrop/log/traceparent.h"

#include "livedrop/core/ids.h"

namespace livedrop::log {
namespace {

bool IsLowerHex(std::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  do {
    IdRandomBytes(raw.data(), raw.size());
  } while (raw.find_first_not_of('\0') == std::string::npos);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (const unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

}  // namespace

std::optional<TraceParent> ParseTraceParent(std::string_view s) {
  // version(2) - trace(32) - parent(16) - flags(2)
  if (s.size() != 55 || s[2] != '-' || s[35] != '-' || s[52] != '-') return std::nullopt;
  const auto version = s.substr(0, 2);
  const auto trace = s.substr(3, 32);
  const auto parent = s.substr(36, 16);
  const auto flags = s.substr(53, 2);
  if (version != "00" || !IsLowerHex(trace) || !IsLowerHex(parent) || !IsLowerHex(flags) ||
      AllZero(trace) || AllZero(parent)) {
    return std::nullopt;
  }
  return TraceParent{std::string(trace), std::string(parent),
                     static_cast<std::uint8_t>(std::stoi(std::string(flags), nullptr, 16))};
}

std::string FormatTraceParent(const TraceParent& tp) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "00-" + tp.trace_id + "-" + tp.parent_id + "-";
  out.push_back(kHex[tp.flags >> 4]);
  out.push_back(kHex[tp.flags & 0x0f]);
  return out;
}

TraceParent NewTraceParent() { return TraceParent{RandomHex(16), RandomHex(8), 1}; }

TraceParent ChildOf(const TraceParent& parent) {
  return TraceParent{parent.trace_id, RandomHex(8), parent.flags};
}

}  // namespace livedrop::log
