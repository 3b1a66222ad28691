#include "cpu_cost.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

namespace livedrop::loadgen {
namespace {

TEST(ParseProcStat, TakesTheNameBetweenTheParenthesesAndAddsUserAndSystemTicks) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // ... cutime cstime priority nice num_threads itrealvalue starttime vsize rss
  const auto p = ParseProcStat(
      "4242 (livedrop-gatewa) S 1 4242 4242 0 -1 4194560 900 0 0 0 "
      "1234 567 0 0 20 0 9 0 7777 100 0\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->comm, "livedrop-gatewa");
  EXPECT_EQ(p->ticks, 1234 + 567);
  EXPECT_EQ(p->started, 7777);
}

TEST(ParseProcStat, ANameWithSpacesAndParenthesesEndsAtTheLastParenthesis) {
  const auto p = ParseProcStat("7 (a) b (c) R 1 7 7 0 -1 0 0 0 0 0 10 20 0 0 20 0 1 0 5 0 0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->comm, "a) b (c");
  EXPECT_EQ(p->ticks, 30);
  EXPECT_EQ(p->started, 5);
}

TEST(ParseProcStat, ALineOfAnotherShapeIsNothing) {
  EXPECT_FALSE(ParseProcStat(""));
  EXPECT_FALSE(ParseProcStat("12 (short) S 1 2 3"));
  EXPECT_FALSE(ParseProcStat("12 (bad) S 1 2 3 0 -1 0 0 0 0 0 x 20 0 0 20 0 1 0 5 0 0"));
  EXPECT_FALSE(ParseProcStat("12 (no start) S 1 2 3 0 -1 0 0 0 0 0 10 20 0"));
}

TEST(ParseCpuLine, BusyIsEverythingButIdleAndIowait) {
  //                        user nice system idle iowait irq softirq steal guest guest_nice
  const auto t = ParseCpuLine("cpu  100 2 30 5000 40 5 6 7 50 0");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->busy, 100 + 2 + 30 + 5 + 6 + 7);  // guest is inside user already
  EXPECT_EQ(t->idle, 5000 + 40);
  EXPECT_FALSE(ParseCpuLine("cpu0 1 2 3 4 5 6 7 8"));
  EXPECT_FALSE(ParseCpuLine("cpu 1 2 3"));
}

TEST(CpuGroup, IsTheProgramNotItsCutCommOrItsArguments) {
  EXPECT_EQ(CpuGroup("livedrop-notifi", "/work/main/build/dev/bin/livedrop-notifications"),
            "livedrop-notifications");
  EXPECT_EQ(CpuGroup("redis-server", "redis-server 127.0.0.1:56379"), "redis-server");
  EXPECT_EQ(CpuGroup("kworker/0:1-events", ""), "kernel threads");  // no command line
}

TEST(CpuGroup, EveryPostgresBackendIsPostgres) {
  EXPECT_EQ(CpuGroup("postgres", "postgres: livedrop livedrop 127.0.0.1(40112) idle"), "postgres");
  EXPECT_EQ(CpuGroup("postgres", "/usr/lib/postgresql/15/bin/postgres"), "postgres");
}

CpuCounters Counters(double busy, double idle, std::map<int, CpuCounters::Process> processes) {
  CpuCounters c;
  c.busy_seconds = busy;
  c.idle_seconds = idle;
  c.cpus = 2;
  c.processes = std::move(processes);
  return c;
}

TEST(CpuDelta, SubtractsTheMachineAndEachProcessThenSumsByGroup) {
  const auto d = CpuDelta(
      Counters(10, 20, {{1, {"postgres", 1, 9}}, {2, {"postgres", 2, 9}}, {3, {"gone", 5, 9}}}),
      Counters(13, 21,
               {{1, {"postgres", 1.5, 9}}, {2, {"postgres", 3, 9}}, {4, {"new", 0.5, 50}}}));
  EXPECT_DOUBLE_EQ(d.busy_seconds, 3);
  EXPECT_DOUBLE_EQ(d.idle_seconds, 1);
  EXPECT_DOUBLE_EQ(d.by_group.at("postgres"), 1.5);
  EXPECT_DOUBLE_EQ(d.by_group.at("new"), 0.5);  // first seen after `before`: counted from 0
  EXPECT_EQ(d.by_group.count("gone"), 0u);
}

TEST(CpuDelta, AReusedPidCountsFromZero) {
  // Another process on the same pid (another start time): its time since it started is the new
  // process's, not a difference with the old one's, whether or not it is of another program.
  const auto d =
      CpuDelta(Counters(0, 0, {{7, {"pgbench", 9, 100}}, {8, {"postgres", 4, 100}}}),
               Counters(1, 0, {{7, {"redis-server", 0.25, 300}}, {8, {"postgres", 0.5, 300}}}));
  EXPECT_DOUBLE_EQ(d.by_group.at("redis-server"), 0.25);
  EXPECT_DOUBLE_EQ(d.by_group.at("postgres"), 0.5);  // a new backend: not 0.5 - 4
  EXPECT_EQ(d.by_group.count("pgbench"), 0u);
}

CpuUse Use(double busy, std::map<std::string, double> groups) {
  CpuUse u;
  u.busy_seconds = busy;
  u.idle_seconds = 1;
  u.cpus = 2;
  u.by_group = std::move(groups);
  return u;
}

TEST(ReportCpuCost, DividesByUnitsAndPutsSmallGroupsUnderOther) {
  // 2 CPUs for 2 s, 3 s busy: 75 %; 100 orders: 30 ms of CPU each.
  const auto delta = Use(3, {{"gateway", 1.2}, {"postgres", 1.5}, {"tiny", 0.03}});
  std::ostringstream out;
  const auto j = ReportCpuCost(delta, 2.0, 100, "confirmed order", out);
  EXPECT_DOUBLE_EQ(j.at("busy_share").as_double(), 0.75);
  EXPECT_DOUBLE_EQ(j.at("busy_ms_per_unit").as_double(), 30);
  const auto& groups = j.at("ms_per_unit_by_group").as_object();
  EXPECT_DOUBLE_EQ(groups.at("postgres").as_double(), 15);
  EXPECT_DOUBLE_EQ(groups.at("gateway").as_double(), 12);
  EXPECT_FALSE(groups.contains("tiny"));                // 1 % of the busy time, under the 2 % shown
  EXPECT_NEAR(groups.at("rest").as_double(), 3, 1e-9);  // busy time no group shown holds
  EXPECT_NE(out.str().find("75% busy): 30.00 ms per confirmed order: postgres 15.00, gateway "
                           "12.00, rest 3.00"),
            std::string::npos)
      << out.str();
}

TEST(ReportCpuCost, NoUnitsIsNoDivisionByZero) {
  std::ostringstream out;
  const auto j = ReportCpuCost(Use(1, {}), 1.0, 0, "refusal", out);
  EXPECT_DOUBLE_EQ(j.at("busy_ms_per_unit").as_double(), 0);
}

}  // namespace
}  // namespace livedrop::loadgen
