#include "livedrop/log/log.h"
#include "livedrop/log/formatter.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "livedrop/core/ids.h"

namespace livedrop::log {
namespace {

thread_local Context current_context;

void AppendTime(spdlog::memory_buf_t& out, spdlog::log_clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(us.count() / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>((us.count() / 1000) % 1000));
  out.append(buf, buf + n);
}

void Append(spdlog::memory_buf_t& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

void AppendJsonString(spdlog::memory_buf_t& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"': Append(out, "\\\""); break;
      case '\\': Append(out, "\\\\"); break;
      case '\n': Append(out, "\\n"); break;
      case '\r': Append(out, "\\r"); break;
      case '\t': Append(out, "\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          Append(out, buf);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string_view LevelName(spdlog::level::level_enum level) {
  const auto& name = spdlog::level::to_string_view(level);
  return std::string_view(name.data(), name.size());
}

// One formatter for both formats: spdlog's pattern flags cannot reach a thread-local context
// or escape JSON, a formatter can.
class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(std::string service, Format format)
      : service_(std::move(service)), format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& out) override {
    const Context& ctx = current_context;
    const std::string_view text(msg.payload.data(), msg.payload.size());
    if (format_ == Format::kJson) {
      Append(out, "{\"time\":\"");
      AppendTime(out, msg.time);
      Append(out, "\",\"level\":\"");
      Append(out, LevelName(msg.level));
      Append(out, "\",\"service\":");
      AppendJsonString(out, service_);
      if (!ctx.request_id.empty()) {
        Append(out, ",\"request_id\":");
        AppendJsonString(out, ctx.request_id);
      }
      if (!ctx.trace_id.empty()) {
        Append(out, ",\"trace_id\":");
        AppendJsonString(out, ctx.trace_id);
      }
      Append(out, ",\"msg\":");
      AppendJsonString(out, text);
      Append(out, "}\n");
      return;
    }
    AppendTime(out, msg.time);
    out.push_back(' ');
    std::string level(LevelName(msg.level));
    for (auto& c : level) c = static_cast<char>(std::toupper(c));
    level.resize(5, ' ');
    Append(out, level);
    out.push_back(' ');
    Append(out, service_);
    if (!ctx.request_id.empty() || !ctx.trace_id.empty()) {
      Append(out, " [req=");
      Append(out, ctx.request_id.empty() ? "-" : ctx.request_id);
      Append(out, " trace=");
      Append(out, ctx.trace_id.empty() ? "-" : ctx.trace_id);
      out.push_back(']');
    }
    out.push_back(' ');
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

ScopedContext::ScopedContext(Context context) : previous_(std::move(current_context)) {
  current_context = std::move(context);
}

ScopedContext::~ScopedContext() { current_context = std::move(previous_); }

const Context& CurrentContext() { return current_context; }

std::string NewRequestId() { return NewUuid(); }

}  // namespace livedrop::log
