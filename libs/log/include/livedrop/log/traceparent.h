#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// W3C Trace Context `traceparent`: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>.
namespace livedrop::log {

struct TraceParent {
  std::string trace_id;    // 32 lowercase hex, not all zero
  std::string parent_id;   // 16 lowercase hex, not all zero
  std::uint8_t flags = 1;  // 01 = sampled
};

std::optional<TraceParent> ParseTraceParent(std::string_view text);
std::string FormatTraceParent(const TraceParent& tp);
TraceParent NewTraceParent();
// The same trace, a new span: what a callee receives from its caller.
TraceParent ChildOf(const TraceParent& parent);

}  // namespace livedrop::log
