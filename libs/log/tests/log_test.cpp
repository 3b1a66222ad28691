#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "livedrop/log/formatter.h"
#include "livedrop/log/log.h"
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
  }
};

TEST(Log, JsonLine_IsValidJsonWithContextAndEscapedMessage) {
  Captured c(Format::kJson);
  {
    ScopedContext scope(Context{"req-1", "trace-1"});
    c.logger->info("say \"hi\"\nnext\\line\x01");
  }
  const auto line = c.out.str();
  ASSERT_EQ(line.back(), '\n');
  const auto obj = boost::json::parse(line).as_object();
  EXPECT_EQ(obj.at("service").as_string(), "livedrop-test");
  EXPECT_EQ(obj.at("level").as_string(), "info");
  EXPECT_EQ(obj.at("request_id").as_string(), "req-1");
  EXPECT_EQ(obj.at("trace_id").as_string(), "trace-1");
  EXPECT_EQ(obj.at("msg").as_string(), "say \"hi\"\nnext\\line\x01");
  EXPECT_EQ(obj.at("time").as_string().back(), 'Z');
}

TEST(Log, TextLine_CarriesServiceLevelAndContext) {
  Captured c(Format::kText);
  {
    ScopedContext scope(Context{"req-9", "abc"});
    c.logger->warn("careful");
  }
  const auto line = c.out.str();
  EXPECT_NE(line.find("WARN"), std::string::npos);
  EXPECT_NE(line.find("livedrop-test"), std::string::npos);
  EXPECT_NE(line.find("[req=req-9 trace=abc]"), std::string::npos);
  EXPECT_NE(line.find("careful"), std::string::npos);
}

TEST(Log, ScopedContext_RestoresThePreviousOne) {
  ScopedContext outer(Context{"outer", "t1"});
  {
    ScopedContext inner(Context{"inner", "t2"});
    EXPECT_EQ(CurrentContext().request_id, "inner");
  }
  EXPECT_EQ(CurrentContext().request_id, "outer");
}

TEST(Log, Context_IsPerThread) {
  ScopedContext mine(Context{"main-thread", "t"});
  std::string seen = "unset";
  std::thread([&] { seen = CurrentContext().request_id; }).join();
  EXPECT_EQ(seen, "");
  EXPECT_EQ(CurrentContext().request_id, "main-thread");
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

TEST(TraceParent, Parse_RejectsMalformed) {
  EXPECT_FALSE(ParseTraceParent(""));
  EXPECT_FALSE(ParseTraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(ParseTraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0"));
}

TEST(TraceParent, ChildOf_KeepsTraceAndChangesSpan) {
  const auto parent = NewTraceParent();
  EXPECT_TRUE(ParseTraceParent(FormatTraceParent(parent)).has_value());
  const auto child = ChildOf(parent);
  EXPECT_EQ(child.trace_id, parent.trace_id);
  EXPECT_NE(child.parent_id, parent.parent_id);
}

}  // namespace
}  // namespace livedrop::log
