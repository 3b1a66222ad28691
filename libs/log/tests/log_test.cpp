#include "livedrop/log/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "livedrop/core/ids.h"
#include "livedrop/log/formatter.h"
#include "livedrop/log/traceparent.h"

namespace livedrop::log {
namespace {

struct Captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;
  explicit Captured(Format format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("test", sink);
    logger->set_formatter(MakeFormatter("livedrop-test", format));
    logger->set_level(spdlog::level::trace);
  }
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

boost::json::object ParseLine(const std::string& line) {
  boost::json::error_code ec;
  auto value = boost::json::parse(line, ec);
  EXPECT_FALSE(ec) << "not JSON: " << line;
  return ec ? boost::json::object{} : value.as_object();
}

TEST(Log, JsonLine_IsValidJsonWithContextAndEscapedMessage) {
  Captured c(Format::kJson);
  {
    ScopedContext scope(Context{"req-1", "trace-1"});
    c.logger->info("say \"hi\"\nnext\\line\x01\ttab");
  }
  const auto text = c.out.str();
  ASSERT_EQ(text.back(), '\n');
  ASSERT_EQ(c.Lines().size(), 1u) << "a newline in the message must not split the line";
  const auto obj = ParseLine(c.Lines()[0]);
  EXPECT_EQ(obj.at("service").as_string(), "livedrop-test");
  EXPECT_EQ(obj.at("level").as_string(), "info");
  EXPECT_EQ(obj.at("request_id").as_string(), "req-1");
  EXPECT_EQ(obj.at("trace_id").as_string(), "trace-1");
  EXPECT_EQ(obj.at("msg").as_string(), "say \"hi\"\nnext\\line\x01\ttab");
  EXPECT_TRUE(std::regex_match(std::string(obj.at("time").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST(Log, JsonLine_OutsideARequest_HasEmptyIds) {
  Captured c(Format::kJson);
  c.logger->info("boot");
  const auto obj = ParseLine(c.Lines().at(0));
  EXPECT_EQ(obj.at("request_id").as_string(), "");
  EXPECT_EQ(obj.at("trace_id").as_string(), "");
}

TEST(Log, JsonLine_LevelNamesMatchTheLogLevelOption) {
  Captured c(Format::kJson);
  c.logger->trace("t");
  c.logger->debug("d");
  c.logger->warn("w");
  c.logger->error("e");
  c.logger->critical("c");
  const auto lines = c.Lines();
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(ParseLine(lines[0]).at("level").as_string(), "trace");
  EXPECT_EQ(ParseLine(lines[1]).at("level").as_string(), "debug");
  EXPECT_EQ(ParseLine(lines[2]).at("level").as_string(), "warn");
  EXPECT_EQ(ParseLine(lines[3]).at("level").as_string(), "error");
  EXPECT_EQ(ParseLine(lines[4]).at("level").as_string(), "critical");
}

TEST(Log, JsonLine_MalformedUtf8_IsReplacedAndLineStaysValid) {
  Captured c(Format::kJson);
  c.logger->info("bad \xff\xc3 ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80!");
  const auto obj = ParseLine(c.Lines().at(0));
  EXPECT_EQ(obj.at("msg").as_string(),
            "bad \xef\xbf\xbd\xef\xbf\xbd ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd!");
}

TEST(Log, TextLine_HasTimeLevelServiceContextAndMessage) {
  Captured c(Format::kText);
  {
    ScopedContext scope(Context{"req-9", "0af7651916cd43dd8448eb211c80319c"});
    c.logger->warn("careful");
  }
  EXPECT_TRUE(std::regex_match(
      c.out.str(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN  livedrop-test )"
                              R"(\[req=req-9 trace=0af7651916cd43dd8448eb211c80319c\] careful\n)")))
      << c.out.str();
}

TEST(Log, TextLine_OutsideARequest_ShowsDashes) {
  Captured c(Format::kText);
  c.logger->error("boom");
  EXPECT_NE(c.out.str().find(" ERROR livedrop-test [req=- trace=-] boom\n"), std::string::npos)
      << c.out.str();
}

TEST(Log, ScopedContext_RestoresThePreviousOne) {
  Captured c(Format::kJson);
  ScopedContext outer(Context{"outer", "t1"});
  {
    ScopedContext inner(Context{"inner", "t2"});
    EXPECT_EQ(CurrentContext().request_id, "inner");
    c.logger->info("in");
  }
  EXPECT_EQ(CurrentContext().request_id, "outer");
  EXPECT_EQ(CurrentContext().trace_id, "t1");
  c.logger->info("out");
  const auto lines = c.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(ParseLine(lines[0]).at("request_id").as_string(), "inner");
  EXPECT_EQ(ParseLine(lines[1]).at("request_id").as_string(), "outer");
  EXPECT_EQ(ParseLine(lines[1]).at("trace_id").as_string(), "t1");
}

TEST(Log, Context_IsPerThread) {
  ScopedContext mine(Context{"main-thread", "t"});
  std::string seen = "unset";
  std::thread([&] { seen = CurrentContext().request_id; }).join();
  EXPECT_EQ(seen, "");
  EXPECT_EQ(CurrentContext().request_id, "main-thread");
}

TEST(Log, ConcurrentThreads_EachLineCarriesItsOwnThreadsContext) {
  Captured c(Format::kJson);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ScopedContext scope(Context{"req-" + std::to_string(t), "trace-" + std::to_string(t)});
      for (int i = 0; i < 200; ++i) c.logger->info("from {}", t);
    });
  }
  for (auto& th : threads) th.join();
  const auto lines = c.Lines();
  ASSERT_EQ(lines.size(), 800u);
  for (const auto& line : lines) {
    const auto obj = ParseLine(line);
    const std::string t(obj.at("msg").as_string().subview(5));
    ASSERT_EQ(obj.at("request_id").as_string(), "req-" + t) << line;
    ASSERT_EQ(obj.at("trace_id").as_string(), "trace-" + t) << line;
  }
}

TEST(Log, Init_DefaultLoggerPutsContextInPlainSpdlogCalls) {
  testing::internal::CaptureStdout();
  Init("livedrop-init", Format::kJson, "debug");
  {
    ScopedContext scope(Context{"req-init", "trace-init"});
    spdlog::debug("via spdlog {}", 42);
    spdlog::trace("below the level");
  }
  spdlog::default_logger()->flush();
  const std::string out = testing::internal::GetCapturedStdout();
  std::istringstream in(out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line)) << out;
  const auto obj = ParseLine(line);
  EXPECT_EQ(obj.at("service").as_string(), "livedrop-init");
  EXPECT_EQ(obj.at("level").as_string(), "debug");
  EXPECT_EQ(obj.at("request_id").as_string(), "req-init");
  EXPECT_EQ(obj.at("trace_id").as_string(), "trace-init");
  EXPECT_EQ(obj.at("msg").as_string(), "via spdlog 42");
  EXPECT_FALSE(std::getline(in, line)) << "trace must be filtered at level debug: " << out;
}

TEST(Log, Init_UnknownLevelFallsBackToInfo) {
  testing::internal::CaptureStdout();
  Init("livedrop-init", Format::kText, "loud");
  spdlog::debug("hidden");
  spdlog::info("shown");
  spdlog::default_logger()->flush();
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_NE(out.find("INFO  livedrop-init [req=- trace=-] shown"), std::string::npos) << out;
}

TEST(Log, NewRequestId_IsAFreshUuid) {
  const auto a = NewRequestId();
  EXPECT_TRUE(IsUuid(a)) << a;
  EXPECT_NE(a, NewRequestId());
}

TEST(TraceParent, ParseFormat_RoundTrips) {
  const std::string text = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const auto tp = ParseTraceParent(text);
  ASSERT_TRUE(tp.has_value());
  EXPECT_EQ(tp->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(tp->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(tp->flags, 1);
  EXPECT_EQ(FormatTraceParent(*tp), text);
}

TEST(TraceParent, ParseFormat_KeepsEveryFlagBit) {
  const auto tp = ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe");
  ASSERT_TRUE(tp.has_value());
  EXPECT_EQ(tp->flags, 0xfe);
  EXPECT_EQ(FormatTraceParent(*tp), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe");
}

TEST(TraceParent, Parse_RejectsMalformed) {
  EXPECT_FALSE(ParseTraceParent(""));
  // Other versions.
  EXPECT_FALSE(ParseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  // All-zero ids.
  EXPECT_FALSE(ParseTraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  // Uppercase and non-hex.
  EXPECT_FALSE(ParseTraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x"));
  // Wrong lengths and separators, trailing data.
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-"));
  EXPECT_FALSE(ParseTraceParent(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(TraceParent, NewTraceParent_IsValidSampledAndRandom) {
  const auto a = NewTraceParent();
  const auto parsed = ParseTraceParent(FormatTraceParent(a));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->trace_id, a.trace_id);
  EXPECT_EQ(parsed->flags, 1);
  EXPECT_NE(NewTraceParent().trace_id, a.trace_id);
}

TEST(TraceParent, ChildOf_KeepsTraceAndFlagsAndChangesSpan) {
  auto parent = NewTraceParent();
  parent.flags = 0;
  const auto child = ChildOf(parent);
  EXPECT_TRUE(ParseTraceParent(FormatTraceParent(child)).has_value());
  EXPECT_EQ(child.trace_id, parent.trace_id);
  EXPECT_EQ(child.flags, 0);
  EXPECT_NE(child.parent_id, parent.parent_id);
}

}  // namespace
}  // namespace livedrop::log
