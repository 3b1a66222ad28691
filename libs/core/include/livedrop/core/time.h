#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace livedrop {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::microseconds>;

TimePoint Now();

// RFC 3339 in UTC with millisecond precision: 2026-11-25T10:00:00.123Z
std::string FormatRfc3339(TimePoint t);

// Accepts RFC 3339 with 'Z' or a numeric offset and optional fractional seconds.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace livedrop
