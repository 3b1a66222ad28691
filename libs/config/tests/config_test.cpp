#include <gtest/gtest.h>

#include "livedrop/config/config.h"
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
      .Secret("token", "a secret", "s3cr3t");
  return spec;
}

std::string ProblemsOf(const Spec& spec, const std::vector<std::string>& args,
                       const Environment& env) {
  try {
    spec.Parse(args, env);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "config_invalid");
    return e.what();
  }
  return "";
}

TEST(Config, Parse_ReadsEnvironmentAndDefaults) {
  const auto cfg = SampleSpec().Parse({}, {{"LIVEDROP_PG_URL", "postgresql://x"}});
  EXPECT_EQ(cfg.GetString("pg-url"), "postgresql://x");
  EXPECT_EQ(cfg.GetString("name"), "default-name");
  EXPECT_EQ(cfg.GetInt("threads"), 4);
  EXPECT_FALSE(cfg.GetBool("verbose"));
  EXPECT_EQ(cfg.GetDuration("timeout"), 5s);
}

TEST(Config, Parse_FlagOverridesEnvironment) {
  const auto cfg = SampleSpec().Parse({"--threads=8", "--name", "flagged", "--verbose"},
                                      {{"LIVEDROP_PG_URL", "pg"}, {"LIVEDROP_THREADS", "2"},
                                       {"LIVEDROP_NAME", "from-env"}});
  EXPECT_EQ(cfg.GetInt("threads"), 8);
  EXPECT_EQ(cfg.GetString("name"), "flagged");
  EXPECT_TRUE(cfg.GetBool("verbose"));
}

TEST(Config, Parse_ReportsEveryProblemAtOnce) {
  const auto problems = ProblemsOf(SampleSpec(),
                                   {"--threads=lots", "--bogus=1", "--timeout=soon"},
                                   {{"LIVEDROP_LOG_FORMAT", "xml"}});
  EXPECT_NE(problems.find("missing --pg-url (or LIVEDROP_PG_URL)"), std::string::npos);
  EXPECT_NE(problems.find("--threads='lots' must be an integer"), std::string::npos);
  EXPECT_NE(problems.find("unknown flag --bogus"), std::string::npos);
  EXPECT_NE(problems.find("--timeout='soon' must be a duration"), std::string::npos);
  EXPECT_NE(problems.find("LIVEDROP_LOG_FORMAT='xml' must be one of text|json"),
            std::string::npos);
}

TEST(Config, Parse_IntOutOfRange_IsRejected) {
  EXPECT_NE(ProblemsOf(SampleSpec(), {"--threads=0"}, {{"LIVEDROP_PG_URL", "pg"}})
                .find("must be between 1 and 64"),
            std::string::npos);
}

TEST(Config, Parse_MalformedBool_IsRejected) {
  EXPECT_NE(ProblemsOf(SampleSpec(), {"--verbose=perhaps"}, {{"LIVEDROP_PG_URL", "pg"}})
                .find("must be true or false"),
            std::string::npos);
}

TEST(Config, Parse_SecretValueIsNeverEchoed) {
  Spec spec("p", "s");
  spec.Secret("token", "t").Int("n", "n");
  const auto problems = ProblemsOf(spec, {"--n=zz"}, {{"LIVEDROP_TOKEN", "hunter2"}});
  EXPECT_EQ(problems.find("hunter2"), std::string::npos);
  EXPECT_EQ(spec.Usage().find("hunter2"), std::string::npos);
}

TEST(Config, Usage_ListsFlagsEnvVarsDefaultsAndRequired) {
  const auto usage = SampleSpec().Usage();
  EXPECT_NE(usage.find("--pg-url  (LIVEDROP_PG_URL)"), std::string::npos);
  EXPECT_NE(usage.find("(required)"), std::string::npos);
  EXPECT_NE(usage.find("(default: default-name)"), std::string::npos);
  EXPECT_NE(usage.find("[text|json]"), std::string::npos);
  EXPECT_EQ(usage.find("s3cr3t"), std::string::npos);
}

TEST(Config, ParseDuration_Units) {
  EXPECT_EQ(ParseDuration("250ms"), 250ms);
  EXPECT_EQ(ParseDuration("5s"), 5000ms);
  EXPECT_EQ(ParseDuration("2m"), 120000ms);
  EXPECT_EQ(ParseDuration("1h"), 3600000ms);
  EXPECT_EQ(ParseDuration("100"), 100ms);
  EXPECT_FALSE(ParseDuration("5 s"));
  EXPECT_FALSE(ParseDuration("fast"));
}

TEST(Config, SplitHostPort_ParsesAndRejects) {
  EXPECT_EQ(SplitHostPort("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), 8080));
  EXPECT_EQ(SplitHostPort("[::1]:80"), std::make_pair(std::string("::1"), 80));
  EXPECT_THROW(SplitHostPort("nohost"), Error);
  EXPECT_THROW(SplitHostPort("host:99999"), Error);
}

}  // namespace
}  // namespace livedrop::config
