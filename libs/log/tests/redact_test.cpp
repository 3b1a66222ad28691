#include "livedrop/log/redact.h"

#include <gtest/gtest.h>

namespace livedrop::log {
namespace {

constexpr char kToken[] = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";

TEST(RedactTarget, AccessTokenQueryParameter_IsRedactedOthersKept) {
  const std::string target = std::string("/v1/ws?since=42&access_token=") + kToken + "&x=1";
  EXPECT_EQ(RedactTarget(target), "/v1/ws?since=42&access_token=[redacted]&x=1");
}

TEST(RedactTarget, EveryCredentialParameter_WhateverTheCaseOrEncodingOfItsName) {
  for (const std::string name : {"access_token", "ACCESS_TOKEN", "access%5Ftoken", "Access%5ftoken",
                                 "refresh_token", "id_token", "token", "password"}) {
    const std::string redacted = RedactTarget("/v1/x?" + name + "=" + kToken);
    EXPECT_EQ(redacted, "/v1/x?" + name + "=[redacted]") << name;
    EXPECT_EQ(redacted.find(kToken), std::string::npos) << name;
  }
}

TEST(RedactTarget, RepeatedAndSemicolonSeparatedParameters_AreAllRedacted) {
  EXPECT_EQ(RedactTarget(std::string("/a?access_token=") + kToken + ";access_token=" + kToken),
            "/a?access_token=[redacted];access_token=[redacted]");
}

TEST(RedactTarget, TargetsWithoutSecrets_AreUnchanged) {
  for (const std::string target : {"/v1/drops", "/v1/drops?", "/v1/drops?limit=10&after=abc",
                                   "/v1/drops?a=1&", "/v1/drops?tokens=3&my_access_token_count=2",
                                   "/graphql?query=%7Bme%7Bid%7D%7D", "/v1/x?access_token"}) {
    EXPECT_EQ(RedactTarget(target), target);
  }
}

}  // namespace
}  // namespace livedrop::log
