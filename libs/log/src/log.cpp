#include "livedrop/log/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string_view>

#include "livedrop/core/ids.h"
#include "livedrop/log/formatter.h"

namespace livedrop::log {
namespace {

thread_local Context current_context;

struct Installed {
  std::mutex mutex;
  std::string service = "livedrop";
  Format format = Format::kText;
};
Installed& InstalledSetup() {
  static Installed installed;
  return installed;
}

// Each line's time: the date and second are formatted once a second per thread, the
// milliseconds every time (snprintf and gmtime_r per line showed in profiles).
void AppendTime(spdlog::memory_buf_t& out, spdlog::log_clock::time_point t) {
  thread_local std::int64_t cached_second = -1;
  thread_local char cached[24];  // "2026-11-25T10:00:00."
  thread_local int cached_size = 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::int64_t second = ms.count() / 1000;
  if (second != cached_second) {
    const std::time_t secs = static_cast<std::time_t>(second);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    cached_size =
        std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_second = second;
  }
  const int milli = static_cast<int>(ms.count() % 1000);
  const char tail[] = {static_cast<char>('0' + milli / 100),
                       static_cast<char>('0' + milli / 10 % 10),
                       static_cast<char>('0' + milli % 10), 'Z'};
  out.append(cached, cached + cached_size);
  out.append(tail, tail + sizeof tail);
}

void Append(spdlog::memory_buf_t& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 if it is malformed
// (bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    if (lead == 0xe0) lo = 0xa0;
    if (lead == 0xed) hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    if (lead == 0xf0) lo = 0x90;
    if (lead == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return len;
}

std::string_view ShortEscape(char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    default:
      return {};
  }
}

// Log messages carry client input (headers, bodies); a stray byte must not make the line
// unparseable, so malformed UTF-8 becomes U+FFFD.
void AppendJsonString(spdlog::memory_buf_t& out, std::string_view s) {
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (const auto escape = ShortEscape(c); !escape.empty()) {
      Append(out, escape);
      ++i;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      Append(out, buf);
      ++i;
      continue;
    }
    const std::size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      Append(out, "\xef\xbf\xbd");
      ++i;
    } else {
      Append(out, s.substr(i, len));
      i += len;
    }
  }
  out.push_back('"');
}

// Our own names: spdlog's are "warning" and "critical", which neither match the log-level
// option values nor fit the five-column text layout.
std::string_view JsonLevel(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

std::string_view TextLevel(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "TRACE";
    case spdlog::level::debug:
      return "DEBUG";
    case spdlog::level::info:
      return "INFO ";
    case spdlog::level::warn:
      return "WARN ";
    case spdlog::level::err:
      return "ERROR";
    case spdlog::level::critical:
      return "CRIT ";
    default:
      return "OFF  ";
  }
}

// One formatter for both formats: spdlog's pattern flags cannot reach a thread-local context
// or escape JSON, a formatter can.
class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(std::string service, Format format)
      : service_(std::move(service)), format_(format) {}

  // Both ids are always present (empty / "-" outside a request) so that every line has the
  // same shape for whoever parses it.
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    const Context& ctx = current_context;
    const std::string_view text(msg.payload.data(), msg.payload.size());
    if (format_ == Format::kJson) {
      Append(out, "{\"time\":\"");
      AppendTime(out, msg.time);
      Append(out, "\",\"level\":\"");
      Append(out, JsonLevel(msg.level));
      Append(out, "\",\"service\":");
      AppendJsonString(out, service_);
      Append(out, ",\"request_id\":");
      AppendJsonString(out, ctx.request_id);
      Append(out, ",\"trace_id\":");
      AppendJsonString(out, ctx.trace_id);
      Append(out, ",\"msg\":");
      AppendJsonString(out, text);
      Append(out, "}\n");
      return;
    }
    AppendTime(out, msg.time);
    out.push_back(' ');
    Append(out, TextLevel(msg.level));
    out.push_back(' ');
    Append(out, service_);
    Append(out, " [req=");
    Append(out, ctx.request_id.empty() ? "-" : ctx.request_id);
    Append(out, " trace=");
    Append(out, ctx.trace_id.empty() ? "-" : ctx.trace_id);
    Append(out, "] ");
    Append(out, text);
    out.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(service_, format_);
  }

 private:
  std::string service_;
  Format format_;
};

}  // namespace

void Init(const std::string& service, Format format, const std::string& level) {
  {
    auto& installed = InstalledSetup();
    std::lock_guard lock(installed.mutex);
    installed.service = service;
    installed.format = format;
  }
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(service, sink);
  logger->set_formatter(MakeFormatter(service, format));
  const auto parsed = spdlog::level::from_str(level);
  logger->set_level(parsed == spdlog::level::off && level != "off" ? spdlog::level::info : parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

std::unique_ptr<spdlog::formatter> MakeFormatter(const std::string& service, Format format) {
  return std::make_unique<LineFormatter>(service, format);
}

std::unique_ptr<spdlog::formatter> InstalledFormatter() {
  auto& installed = InstalledSetup();
  std::lock_guard lock(installed.mutex);
  return MakeFormatter(installed.service, installed.format);
}

ScopedContext::ScopedContext(Context context) : previous_(std::move(current_context)) {
  current_context = std::move(context);
}

ScopedContext::~ScopedContext() { current_context = std::move(previous_); }

const Context& CurrentContext() { return current_context; }

std::string NewRequestId() { return NewUuid(); }

}  // namespace livedrop::log
