#include "livedrop/config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <sstream>

#include "livedrop/config/service_options.h"
#include "livedrop/core/error.h"

namespace livedrop::config {
namespace {

using namespace std::chrono_literals;

Spec SampleSpec() {
  Spec spec("livedrop-sample", "A sample service.");
  spec.String("pg-url", "database")
      .String("name", "a name", "default-name")
      .Int("threads", "worker threads", 4, 1, 64)
      .Bool("verbose", "talk more", false)
      .Duration("timeout", "how long", 5s)
      .Enum("log-format", "format", {"text", "json"}, "text")
      .HostPort("listen", "where to listen", "127.0.0.1:7000")
      .String("brokers", "a list", "")
      .Secret("token", "a secret", "s3cr3t");
  return spec;
}

const Environment kMinimalEnv = {{"LIVEDROP_PG_URL", "postgresql://x"}};

// The problems Parse reports, one per line; fails the test if Parse accepts.
std::vector<std::string> ProblemsOf(const Spec& spec, const std::vector<std::string>& args,
                                    const Environment& env) {
  try {
    spec.Parse(args, env);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(e.code(), "config_invalid");
    std::vector<std::string> lines;
    std::stringstream in(e.what());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  ADD_FAILURE() << "Parse accepted the configuration";
  return {};
}

std::string OnlyProblemOf(const Spec& spec, const std::vector<std::string>& args,
                          const Environment& env) {
  const auto problems = ProblemsOf(spec, args, env);
  EXPECT_EQ(problems.size(), 1u);
  return problems.empty() ? "" : problems.front();
}

TEST(Config, Parse_ReadsEnvironmentAndDefaults) {
  const auto cfg = SampleSpec().Parse({}, {{"LIVEDROP_PG_URL", "postgresql://x"},
                                           {"LIVEDROP_TIMEOUT", "250ms"},
                                           {"LIVEDROP_VERBOSE", "yes"}});
  EXPECT_EQ(cfg.GetString("pg-url"), "postgresql://x");
  EXPECT_EQ(cfg.GetString("name"), "default-name");
  EXPECT_EQ(cfg.GetInt("threads"), 4);
  EXPECT_TRUE(cfg.GetBool("verbose"));
  EXPECT_EQ(cfg.GetDuration("timeout"), 250ms);
  EXPECT_EQ(cfg.GetString("log-format"), "text");
  EXPECT_EQ(cfg.GetString("listen"), "127.0.0.1:7000");
  EXPECT_EQ(cfg.GetString("token"), "s3cr3t");
}

TEST(Config, Parse_FlagOverridesEnvironment) {
  const auto cfg = SampleSpec().Parse(
      {"--threads=8", "--name", "flagged", "--timeout=2m", "--log-format", "json"},
      {{"LIVEDROP_PG_URL", "pg"},
       {"LIVEDROP_THREADS", "2"},
       {"LIVEDROP_NAME", "from-env"},
       {"LIVEDROP_TIMEOUT", "1s"},
       {"LIVEDROP_LOG_FORMAT", "text"}});
  EXPECT_EQ(cfg.GetInt("threads"), 8);
  EXPECT_EQ(cfg.GetString("name"), "flagged");
  EXPECT_EQ(cfg.GetDuration("timeout"), 2min);
  EXPECT_EQ(cfg.GetString("log-format"), "json");
}

TEST(Config, Parse_FlagOverridesAMalformedEnvironmentValue) {
  const auto cfg =
      SampleSpec().Parse({"--threads=3"}, {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_THREADS", "x"}});
  EXPECT_EQ(cfg.GetInt("threads"), 3);
}

TEST(Config, Parse_SpaceAndEqualsFormsAreEquivalent) {
  const auto spaced = SampleSpec().Parse({"--pg-url", "a=b", "--threads", "12"}, {});
  const auto equals = SampleSpec().Parse({"--pg-url=a=b", "--threads=12"}, {});
  EXPECT_EQ(spaced.GetString("pg-url"), "a=b");
  EXPECT_EQ(equals.GetString("pg-url"), "a=b");
  EXPECT_EQ(spaced.GetInt("threads"), 12);
  EXPECT_EQ(equals.GetInt("threads"), 12);
}

TEST(Config, Parse_LastRepeatedFlagWins) {
  const auto cfg = SampleSpec().Parse({"--threads=2", "--threads=5"}, kMinimalEnv);
  EXPECT_EQ(cfg.GetInt("threads"), 5);
}

TEST(Config, Parse_ArgcArgvSkipsTheProgramName) {
  std::string a0 = "livedrop-sample", a1 = "--pg-url=pg", a2 = "--threads", a3 = "7";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), nullptr};
  const auto cfg = SampleSpec().Parse(4, argv, Environment{});
  EXPECT_EQ(cfg.GetString("pg-url"), "pg");
  EXPECT_EQ(cfg.GetInt("threads"), 7);
}

TEST(Config, Parse_BoolForms) {
  EXPECT_TRUE(SampleSpec().Parse({"--verbose"}, kMinimalEnv).GetBool("verbose"));
  EXPECT_TRUE(SampleSpec().Parse({"--verbose", "--threads=2"}, kMinimalEnv).GetBool("verbose"));
  EXPECT_FALSE(SampleSpec().Parse({"--verbose", "false"}, kMinimalEnv).GetBool("verbose"));
  EXPECT_FALSE(SampleSpec().Parse({"--verbose=off"}, kMinimalEnv).GetBool("verbose"));
  EXPECT_TRUE(SampleSpec().Parse({"--verbose=ON"}, kMinimalEnv).GetBool("verbose"));
}

TEST(Config, Parse_MissingRequired_NamesFlagAndEnvVar) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {}, {}), "missing --pg-url (or LIVEDROP_PG_URL): database");
}

TEST(Config, Parse_EmptyRequiredValue_IsRejected) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {}, {{"LIVEDROP_PG_URL", ""}}),
            "LIVEDROP_PG_URL='' (flag --pg-url): must not be empty");
}

TEST(Config, Parse_EmptyValueWithEmptyDefault_IsAccepted) {
  EXPECT_EQ(SampleSpec().Parse({"--brokers="}, kMinimalEnv).GetString("brokers"), "");
}

TEST(Config, Parse_MalformedInt_NamesFlagAndEnvVar) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--threads=lots"}, kMinimalEnv),
            "--threads='lots' (env LIVEDROP_THREADS): must be an integer");
  EXPECT_EQ(
      OnlyProblemOf(SampleSpec(), {}, {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_THREADS", "4x"}}),
      "LIVEDROP_THREADS='4x' (flag --threads): must be an integer");
}

TEST(Config, Parse_IntOutOfRange_IsRejected) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--threads=0"}, kMinimalEnv),
            "--threads='0' (env LIVEDROP_THREADS): must be between 1 and 64");
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--threads=65"}, kMinimalEnv),
            "--threads='65' (env LIVEDROP_THREADS): must be between 1 and 64");
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--threads=99999999999999999999"}, kMinimalEnv),
            "--threads='99999999999999999999' (env LIVEDROP_THREADS): must be an integer");
}

TEST(Config, Parse_MalformedBool_IsRejected) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--verbose=perhaps"}, kMinimalEnv),
            "--verbose='perhaps' (env LIVEDROP_VERBOSE): must be true or false");
}

TEST(Config, Parse_MalformedDuration_IsRejected) {
  for (const std::string bad : {"soon", "5", "5 s", "-5s", "5sec", "1.5s"}) {
    EXPECT_EQ(
        OnlyProblemOf(SampleSpec(), {}, {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_TIMEOUT", bad}}),
        "LIVEDROP_TIMEOUT='" + bad +
            "' (flag --timeout): must be a duration such as 250ms, 5s, 2m or 1h");
  }
}

TEST(Config, Parse_EnumOutsideAllowed_IsRejected) {
  EXPECT_EQ(
      OnlyProblemOf(SampleSpec(), {}, {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_LOG_FORMAT", "xml"}}),
      "LIVEDROP_LOG_FORMAT='xml' (flag --log-format): must be one of text|json");
}

TEST(Config, Parse_MalformedHostPort_IsRejected) {
  for (const std::string bad : {"7000", "localhost", ":7000", "host:70000", "host:port"}) {
    EXPECT_EQ(
        OnlyProblemOf(SampleSpec(), {"--listen=" + bad}, kMinimalEnv),
        "--listen='" + bad + "' (env LIVEDROP_LISTEN): must be host:port, e.g. 127.0.0.1:7001");
  }
  EXPECT_EQ(SampleSpec().Parse({"--listen=[::1]:0"}, kMinimalEnv).GetString("listen"), "[::1]:0");
}

TEST(Config, Parse_UnknownFlag_IsRejectedWithASuggestion) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--thread=2"}, kMinimalEnv),
            "unknown flag --thread (did you mean --threads?)");
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--completely-different"}, kMinimalEnv),
            "unknown flag --completely-different");
}

TEST(Config, Parse_FlagWithoutValue_IsRejected) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--name"}, kMinimalEnv),
            "--name needs a value (--name=VALUE or --name VALUE)");
  EXPECT_EQ(ProblemsOf(SampleSpec(), {"--name", "--threads=2"}, kMinimalEnv).front(),
            "--name needs a value (--name=VALUE or --name VALUE)");
}

TEST(Config, Parse_PositionalArgument_IsRejected) {
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"serve"}, kMinimalEnv),
            "unexpected argument 'serve' (options are --key=value)");
  EXPECT_EQ(OnlyProblemOf(SampleSpec(), {"--verbose", "serve"}, kMinimalEnv),
            "unexpected argument 'serve' (options are --key=value)");
}

TEST(Config, Parse_ReportsEveryProblemAtOnce) {
  const auto problems = ProblemsOf(SampleSpec(), {"--threads=lots", "--bogus=1", "--timeout=soon"},
                                   {{"LIVEDROP_LOG_FORMAT", "xml"}});
  const std::vector<std::string> expected = {
      "unknown flag --bogus",
      "missing --pg-url (or LIVEDROP_PG_URL): database",
      "--threads='lots' (env LIVEDROP_THREADS): must be an integer",
      "--timeout='soon' (env LIVEDROP_TIMEOUT): must be a duration such as 250ms, 5s, 2m or 1h",
      "LIVEDROP_LOG_FORMAT='xml' (flag --log-format): must be one of text|json",
  };
  EXPECT_EQ(problems, expected);
}

TEST(Config, Parse_UnrelatedLivedropEnvironmentIsIgnored) {
  // Deployments share one environment across services (LIVEDROP_REDIS_URL, ...).
  EXPECT_NO_THROW(SampleSpec().Parse({}, {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_OTHER", "x"}}));
}

TEST(Config, Secret_ValueIsNeverEchoed) {
  Spec spec("p", "s");
  spec.Secret("token", "t").Secret("pin", "p", "1234").Int("n", "n");
  const auto problems = ProblemsOf(spec, {"--n=zz", "--token="}, {});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], "--token=<hidden> (env LIVEDROP_TOKEN): must not be empty");
  const auto usage = spec.Usage();
  EXPECT_EQ(usage.find("1234"), std::string::npos);
  EXPECT_NE(usage.find("(default: <hidden>)"), std::string::npos);
  const auto cfg = spec.Parse({"--n=1"}, {{"LIVEDROP_TOKEN", "hunter2"}});
  EXPECT_EQ(cfg.GetString("token"), "hunter2");
  EXPECT_EQ(cfg.Summary(), "token=<hidden> pin=<hidden> n=1");
}

TEST(Config, Usage_ListsFlagsEnvVarsDefaultsAndRequired) {
  const auto usage = SampleSpec().Usage();
  EXPECT_NE(usage.find("Usage: livedrop-sample"), std::string::npos);
  EXPECT_NE(usage.find("A sample service."), std::string::npos);
  EXPECT_NE(usage.find("--pg-url=TEXT  (env LIVEDROP_PG_URL)\n      database (required)"),
            std::string::npos)
      << usage;
  EXPECT_NE(usage.find("--threads=N  (env LIVEDROP_THREADS)\n      worker threads; 1..64 "
                       "(default: 4)"),
            std::string::npos)
      << usage;
  EXPECT_NE(usage.find("--name=TEXT  (env LIVEDROP_NAME)\n      a name (default: default-name)"),
            std::string::npos);
  EXPECT_NE(usage.find("--log-format=text|json  (env LIVEDROP_LOG_FORMAT)"), std::string::npos);
  EXPECT_NE(usage.find("--timeout=DURATION  (env LIVEDROP_TIMEOUT)\n      how long (default: 5s)"),
            std::string::npos);
  EXPECT_NE(usage.find("--listen=HOST:PORT"), std::string::npos);
  EXPECT_NE(usage.find("(default: \"\")"), std::string::npos);
  EXPECT_NE(usage.find("--help"), std::string::npos);
  EXPECT_EQ(usage.find("s3cr3t"), std::string::npos);
}

TEST(Config, Spec_DeclarationMistakesThrowAtOnce) {
  const auto code_of = [](const std::function<void(Spec&)>& declare) {
    Spec spec("p", "s");
    spec.Int("taken", "t", 1);
    try {
      declare(spec);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInternal);
      return e.code();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(code_of([](Spec& s) { s.String("taken", "again"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.String("Grpc_Listen", "caps"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.String("a--b", "double dash"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.Bool("help", "reserved"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.Int("n", "n", 0, 1, 10); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.Enum("e", "e", {"a", "b"}, "c"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.HostPort("l", "l", "nope"); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.Duration("d", "d", -1s); }), "config_bad_spec");
  EXPECT_EQ(code_of([](Spec& s) { s.String("fine-key2", "ok"); }), "accepted");
}

TEST(Config, Getters_RejectUndeclaredKeysAndWrongTypes) {
  const auto cfg = SampleSpec().Parse({}, kMinimalEnv);
  const auto code_of = [](const std::function<void()>& get) {
    try {
      get();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInternal);
      return e.code();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(code_of([&] { cfg.GetString("nope"); }), "config_undeclared");
  EXPECT_EQ(code_of([&] { cfg.GetInt("nope"); }), "config_undeclared");
  EXPECT_EQ(code_of([&] { cfg.GetInt("name"); }), "config_wrong_type");
  EXPECT_EQ(code_of([&] { cfg.GetBool("threads"); }), "config_wrong_type");
  EXPECT_EQ(code_of([&] { cfg.GetDuration("threads"); }), "config_wrong_type");
  EXPECT_EQ(code_of([&] { cfg.GetString("threads"); }), "accepted");
}

TEST(Config, GetList_SplitsTrimsAndDropsEmptyItems) {
  const auto cfg = SampleSpec().Parse({"--brokers= a:1, b:2,,c:3 ,"}, kMinimalEnv);
  EXPECT_EQ(cfg.GetList("brokers"), (std::vector<std::string>{"a:1", "b:2", "c:3"}));
  EXPECT_TRUE(SampleSpec().Parse({}, kMinimalEnv).GetList("brokers").empty());
}

TEST(Config, Summary_ListsEveryValueInDeclarationOrder) {
  const auto cfg = SampleSpec().Parse({"--name=two words"}, kMinimalEnv);
  EXPECT_EQ(cfg.Summary(),
            "pg-url=postgresql://x name=\"two words\" threads=4 verbose=false timeout=5s "
            "log-format=text listen=127.0.0.1:7000 brokers=\"\" token=<hidden>");
}

TEST(Config, ParseDuration_Units) {
  EXPECT_EQ(ParseDuration("250ms"), 250ms);
  EXPECT_EQ(ParseDuration("5s"), 5000ms);
  EXPECT_EQ(ParseDuration("2m"), 120000ms);
  EXPECT_EQ(ParseDuration("1h"), 3600000ms);
  EXPECT_EQ(ParseDuration("0"), 0ms);
  EXPECT_EQ(ParseDuration("0s"), 0ms);
  EXPECT_FALSE(ParseDuration("100"));
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("ms"));
  EXPECT_FALSE(ParseDuration("5 s"));
  EXPECT_FALSE(ParseDuration("-1s"));
  EXPECT_FALSE(ParseDuration("fast"));
  EXPECT_FALSE(ParseDuration("9999999999999999h"));
}

TEST(Config, FormatDuration_IsReadBackExactly) {
  EXPECT_EQ(FormatDuration(10s), "10s");
  EXPECT_EQ(FormatDuration(90s), "90s");
  EXPECT_EQ(FormatDuration(15min), "15m");
  EXPECT_EQ(FormatDuration(720h), "720h");
  EXPECT_EQ(FormatDuration(1500ms), "1500ms");
  EXPECT_EQ(FormatDuration(0ms), "0");
  for (const auto d : {0ms, 1ms, 999ms, 1000ms, 61000ms, 3600000ms, 3660000ms}) {
    EXPECT_EQ(ParseDuration(FormatDuration(d)), d);
  }
}

TEST(Config, SplitHostPort_ParsesAndRejects) {
  EXPECT_EQ(SplitHostPort("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), 8080));
  EXPECT_EQ(SplitHostPort("[::1]:80"), std::make_pair(std::string("::1"), 80));
  EXPECT_THROW(SplitHostPort("nohost"), Error);
  EXPECT_THROW(SplitHostPort("host:99999"), Error);
  EXPECT_THROW(SplitHostPort(":80"), Error);
}

TEST(ServiceOptions, AddCommonServiceOptions_DefaultsAndRequiredDatabase) {
  Spec spec("livedrop-x", "x");
  AddCommonServiceOptions(spec, ServiceDefaults{7005, 9005});
  const auto problems = ProblemsOf(spec, {}, {});
  EXPECT_EQ(problems, std::vector<std::string>{"missing --pg-url (or LIVEDROP_PG_URL): PostgreSQL "
                                               "URL, e.g. postgresql://user@host:5432/livedrop"});
  const auto cfg = spec.Parse({}, {{"LIVEDROP_PG_URL", "postgresql://u:pw@db/livedrop"}});
  EXPECT_EQ(cfg.GetString("grpc-listen"), "127.0.0.1:7005");
  EXPECT_EQ(cfg.GetString("admin-listen"), "127.0.0.1:9005");
  EXPECT_EQ(cfg.GetInt("pg-pool-size"), 8);
  EXPECT_EQ(cfg.GetDuration("shutdown-grace"), 10s);
  EXPECT_EQ(cfg.GetString("log-level"), "info");
  EXPECT_EQ(cfg.GetString("log-format"), "text");
  EXPECT_EQ(cfg.Summary().find("pw@"), std::string::npos) << "pg-url carries a password";
}

TEST(ServiceOptions, AddCommonServiceOptions_RejectsBadLoggingAndListenValues) {
  Spec spec("livedrop-x", "x");
  AddCommonServiceOptions(spec, ServiceDefaults{7005, 9005});
  const auto problems =
      ProblemsOf(spec, {"--log-level=loud", "--grpc-listen=7005"}, {{"LIVEDROP_PG_URL", "pg"}});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].rfind("--grpc-listen='7005'", 0), 0u) << problems[0];
  EXPECT_EQ(problems[1].rfind("--log-level='loud'", 0), 0u) << problems[1];
}

TEST(ParseOrExitDeathTest, Help_PrintsUsageAndExitsZero) {
  std::string a0 = "livedrop-sample", a1 = "--bogus", a2 = "--help";
  char* argv[] = {a0.data(), a1.data(), a2.data(), nullptr};
  // Usage goes to stdout; send it to stderr, which is what EXPECT_EXIT matches.
  EXPECT_EXIT(
      {
        dup2(2, 1);
        ParseOrExit(SampleSpec(), 3, argv);
      },
      testing::ExitedWithCode(0),
      "Usage: livedrop-sample.*--pg-url=TEXT  \\(env LIVEDROP_PG_URL\\)");
}

TEST(ParseOrExitDeathTest, BadConfiguration_PrintsEveryProblemAndExitsTwo) {
  std::string a0 = "livedrop-sample", a1 = "--threads=zero";
  char* argv[] = {a0.data(), a1.data(), nullptr};
  EXPECT_EXIT(
      {
        unsetenv("LIVEDROP_PG_URL");
        unsetenv("LIVEDROP_THREADS");
        ParseOrExit(SampleSpec(), 2, argv);
      },
      testing::ExitedWithCode(2),
      "livedrop-sample: error: missing --pg-url \\(or LIVEDROP_PG_URL\\): database\n"
      "livedrop-sample: error: --threads='zero' \\(env LIVEDROP_THREADS\\): must be an integer\n"
      "Run 'livedrop-sample --help' to see every option.");
}

TEST(ParseOrExit, GoodConfiguration_ReadsTheProcessEnvironment) {
  setenv("LIVEDROP_PG_URL", "from-process-env", 1);
  std::string a0 = "livedrop-sample", a1 = "--threads=9";
  char* argv[] = {a0.data(), a1.data(), nullptr};
  const auto cfg = ParseOrExit(SampleSpec(), 2, argv);
  unsetenv("LIVEDROP_PG_URL");
  EXPECT_EQ(cfg.GetString("pg-url"), "from-process-env");
  EXPECT_EQ(cfg.GetInt("threads"), 9);
}

}  // namespace
}  // namespace livedrop::config
