#include "livedrop/log/access_log.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "livedrop/log/formatter.h"
#include "livedrop/log/log.h"

namespace livedrop::log {
namespace {

using namespace std::chrono_literals;

// What the sink received, line by line.
struct Received {
  std::mutex mutex;
  std::string text;
  int batches = 0;

  AccessLog::Sink Sink() {
    return [this](std::string_view lines) {
      std::lock_guard lock(mutex);
      text.append(lines);
      ++batches;
    };
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mutex);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
};

// Never wakes on its own within a test: only Flush and Stop move lines.
AccessLog::Options Manual() {
  AccessLog::Options o;
  o.flush_interval = 1h;
  return o;
}

TEST(AccessLog, Write_LineArrivesInTheSinkWithTheCallersContext) {
  Received got;
  AccessLog log(MakeFormatter("livedrop-test", Format::kJson), got.Sink(), Manual());
  {
    ScopedContext scope(Context{"req-7", "trace-7"});
    EXPECT_TRUE(log.Write("GET /healthz 200 0.1ms"));
  }
  log.Flush();
  const auto lines = got.Lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto obj = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(obj.at("service").as_string(), "livedrop-test");
  EXPECT_EQ(obj.at("level").as_string(), "info");
  EXPECT_EQ(obj.at("request_id").as_string(), "req-7") << "formatted on the writing thread";
  EXPECT_EQ(obj.at("trace_id").as_string(), "trace-7");
  EXPECT_EQ(obj.at("msg").as_string(), "GET /healthz 200 0.1ms");
}

TEST(AccessLog, Write_TextLayoutIsTheDefaultLoggersLayout) {
  Received got;
  AccessLog log(MakeFormatter("livedrop-gateway", Format::kText), got.Sink(), Manual());
  {
    ScopedContext scope(Context{"r1", "t1"});
    log.Write("GET / 404 0.2ms");
  }
  log.Flush();
  const auto lines = got.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(" INFO  livedrop-gateway [req=r1 trace=t1] GET / 404 0.2ms"),
            std::string::npos)
      << lines[0];
}

TEST(AccessLog, Write_FromManyThreads_EveryLineArrivesOnceInEachThreadsOrder) {
  Received got;
  AccessLog log(MakeFormatter("t", Format::kText), got.Sink(), Manual());
  constexpr int kThreads = 4, kLines = 500;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&log, t] {
      for (int i = 0; i < kLines; ++i) {
        log.Write("w" + std::to_string(t) + " n" + std::to_string(i));
      }
    });
  }
  for (auto& w : writers) w.join();
  log.Stop();
  std::vector<int> next(kThreads, 0);
  for (const auto& line : got.Lines()) {
    const auto w = line.find("] w");
    ASSERT_NE(w, std::string::npos) << line;
    const int t = std::stoi(line.substr(w + 3));
    const int n = std::stoi(line.substr(line.find(" n", w) + 2));
    EXPECT_EQ(n, next[t]) << "thread " << t << " out of order";
    next[t] = n + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kLines) << "thread " << t;
  EXPECT_EQ(log.accepted(), static_cast<std::uint64_t>(kThreads * kLines));
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(AccessLog, FullRing_DropsAndCountsWithoutWaitingForTheSink) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> entered;
  bool first = true;
  Received got;
  std::uint64_t reported = 0;  // on_dropped runs on the writer thread; read after Stop
  AccessLog::Options options = Manual();
  options.ring_bytes = 4096;
  options.on_dropped = [&reported](std::uint64_t n) { reported += n; };
  AccessLog log(
      MakeFormatter("t", Format::kText),
      [&, sink = got.Sink()](std::string_view lines) {
        sink(lines);
        if (first) {  // the writer stalls in its first batch, as on a blocked pipe
          first = false;
          entered.set_value();
          released.wait();
        }
      },
      options);
  log.Write("first");
  std::thread flusher([&log] { log.Flush(); });
  entered.get_future().wait();

  // The writer is stuck: the ring fills, and Write keeps returning (false) instead of waiting.
  int accepted = 0, dropped = 0;
  for (int i = 0; i < 1000; ++i) (log.Write("line " + std::to_string(i)) ? accepted : dropped)++;
  EXPECT_GT(accepted, 0);
  EXPECT_GT(dropped, 0);
  EXPECT_EQ(log.dropped(), static_cast<std::uint64_t>(dropped));

  release.set_value();
  flusher.join();
  log.Stop();
  const auto lines = got.Lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(1 + accepted));
  EXPECT_NE(lines.back().find("line " + std::to_string(accepted - 1)), std::string::npos)
      << "the lines kept are the first ones, whole: " << lines.back();
  EXPECT_EQ(reported, static_cast<std::uint64_t>(dropped)) << "on_dropped saw every drop";
  EXPECT_EQ(log.accepted(), static_cast<std::uint64_t>(1 + accepted));
}

TEST(AccessLog, Stop_WritesEveryQueuedLine) {
  Received got;
  {
    AccessLog log(MakeFormatter("t", Format::kText), got.Sink(), Manual());
    for (int i = 0; i < 100; ++i) log.Write("queued " + std::to_string(i));
    EXPECT_TRUE(got.Lines().empty()) << "nothing written before a flush interval";
    log.Stop();
    EXPECT_EQ(got.Lines().size(), 100u);
    EXPECT_FALSE(log.Write("after stop")) << "a stopped log drops";
    EXPECT_EQ(log.dropped(), 1u);
    log.Stop();  // idempotent
  }
  EXPECT_EQ(got.Lines().size(), 100u);
}

TEST(AccessLog, Destructor_WritesEveryQueuedLine) {
  Received got;
  {
    AccessLog log(MakeFormatter("t", Format::kText), got.Sink(), Manual());
    log.Write("one");
    log.Write("two");
  }
  ASSERT_EQ(got.Lines().size(), 2u);
}

TEST(AccessLog, LongMessage_IsCutToTheBound) {
  Received got;
  AccessLog::Options options = Manual();
  options.max_message = 16;
  AccessLog log(MakeFormatter("t", Format::kJson), got.Sink(), options);
  log.Write(std::string(5000, 'x'));
  log.Stop();
  const auto lines = got.Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::parse(lines[0]).as_object().at("msg").as_string(),
            std::string(16, 'x') + "...");
}

TEST(AccessLog, LineLargerThanTheRing_IsDroppedNotSplit) {
  Received got;
  AccessLog::Options options = Manual();
  options.ring_bytes = 64;
  AccessLog log(MakeFormatter("t", Format::kText), got.Sink(), options);
  EXPECT_FALSE(log.Write(std::string(200, 'y')));
  log.Stop();
  EXPECT_TRUE(got.Lines().empty());
  EXPECT_EQ(log.dropped(), 1u);
}

TEST(AccessLog, FlushInterval_WritesWithoutBeingAsked) {
  Received got;
  AccessLog::Options options;
  options.flush_interval = 1ms;
  AccessLog log(MakeFormatter("t", Format::kText), got.Sink(), options);
  log.Write("periodic");
  // Waits on the condition, not on time: the writer's own pass delivers the line.
  while (got.Lines().empty()) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(got.Lines().size(), 1u);
}

TEST(AccessLog, InstalledFormatter_FollowsInit) {
  Init("livedrop-installed", Format::kJson, "info");
  Received got;
  AccessLog log(InstalledFormatter(), got.Sink(), Manual());
  log.Write("x");
  log.Stop();
  ASSERT_EQ(got.Lines().size(), 1u);
  EXPECT_EQ(boost::json::parse(got.Lines()[0]).as_object().at("service").as_string(),
            "livedrop-installed");
}

}  // namespace
}  // namespace livedrop::log
