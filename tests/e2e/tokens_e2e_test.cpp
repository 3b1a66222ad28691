// Tokens and keys end to end, through the real gateway and livedrop-auth: the claims an access
// token must carry, what the logs never hold, and where the metrics are served.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "api.h"
#include "livedrop/auth/jwt.h"
#include "livedrop/core/ids.h"
#include "livedrop/testing/eventually.h"
#include "platform_test.h"
#include "ws_client.h"

namespace livedrop::e2e {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string SecondsFromNow(std::chrono::seconds offset) {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(Now().time_since_epoch());
  return std::to_string((now + offset).count());
}

json::object PayloadOf(const std::string& jwt) {
  const auto a = jwt.find('.');
  const auto b = jwt.find('.', a + 1);
  std::string raw;
  EXPECT_TRUE(Base64UrlDecode(jwt.substr(a + 1, b - a - 1), raw));
  return json::parse(raw).as_object();
}

class TokensE2E : public PlatformTest {
 protected:
  // The key livedrop-auth signs with, read from its database: what a token forged with
  // exactly the claims under test needs, so only those claims make the difference.
  auth::SigningKey SigningKeyOfAuth() const { return platform_->AuthSigningKey(); }
};

TEST_F(TokensE2E, IssuedAccessToken_CarriesAudienceIssuedAtAndNotBefore) {
  const auto account = RegisterAccount(http());
  const auto payload = PayloadOf(account.access_token);
  EXPECT_EQ(payload.at("aud").as_string(), "livedrop-api");
  EXPECT_EQ(payload.at("iss").as_string(), "livedrop");
  ASSERT_TRUE(payload.contains("iat"));
  ASSERT_TRUE(payload.contains("nbf"));
  EXPECT_LE(payload.at("nbf").as_int64(), payload.at("exp").as_int64());
}

TEST_F(TokensE2E, Token_WithWrongAudienceFutureNbfOrNoIat_Is401) {
  const auto account = RegisterAccount(http());
  const auto key = SigningKeyOfAuth();
  const auto payload = [&](const std::string& extra) {
    return R"({"sub":")" + account.id + R"(","role":"buyer","iss":"livedrop","jti":")" + NewUuid() +
           R"(","exp":)" + SecondsFromNow(15min) + "," + extra + "}";
  };
  const std::string iat = R"("iat":)" + SecondsFromNow(0s);
  // The control: the same key and claims with the right audience, iat and nbf pass.
  const auto good = payload(iat + R"(,"aud":"livedrop-api","nbf":)" + SecondsFromNow(0s));
  ASSERT_EQ(http().Get("/v1/me", auth::SignJwtPayload(good, key)).status, 200);

  for (const auto& bad : {
           payload(iat + R"(,"aud":"livedrop-internal")"),
           payload(iat),  // no aud
           payload(iat + R"(,"aud":"livedrop-api","nbf":)" + SecondsFromNow(10min)),
           payload(R"("aud":"livedrop-api","nbf":)" + SecondsFromNow(0s)),  // no iat
       }) {
    SCOPED_TRACE(bad);
    ExpectProblem(http().Get("/v1/me", auth::SignJwtPayload(bad, key)), 401, "token_invalid");
  }
}

// WebSocket clients may send the token as ?access_token= (browsers cannot set headers); the
// gateway's log records every request's target, and must not record the token.
TEST_F(TokensE2E, AccessTokenInTheQuery_NeverReachesTheLogs) {
  const auto account = RegisterAccount(http());
  const std::string& token = account.access_token;
  const std::string signature = token.substr(token.rfind('.') + 1);
  EXPECT_EQ(http().Get("/v1/drops?limit=1&access_token=" + token).status, 200);
  EXPECT_EQ(http().Get("/v1/me?ACCESS%5FTOKEN=" + token).status, 401);  // not a way in either
  {
    WsClient ws(platform_->HttpPort(), WsClient::Options{"/v1/ws?access_token=" + token});
    ASSERT_FALSE(ws.Refused()) << ws.RefusedStatus() << " " << ws.RefusedBody();
  }
  // The marker request is logged after the others; once it is there, so are they.
  http().Get("/v1/drops?marker=tokens-e2e-end");
  std::string log;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        log = platform_->GatewayLog();
        return log.find("marker=tokens-e2e-end") != std::string::npos;
      },
      10s));
  EXPECT_NE(log.find("/v1/drops?limit=1&access_token=[redacted]"), std::string::npos) << log;
  EXPECT_EQ(log.find(signature), std::string::npos) << "the gateway logged the access token";
  EXPECT_EQ(platform_->AuthLog().find(signature), std::string::npos)
      << "livedrop-auth logged the access token";
}

TEST_F(TokensE2E, Metrics_OnlyOnTheAdminPort) {
  EXPECT_EQ(http().Get("/healthz").status, 200);
  ExpectProblem(http().Get("/metrics"), 404, "not_found");
  const HttpClient admin(platform_->AdminPort("gateway"));
  const auto metrics = admin.Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("livedrop_http_request_duration_seconds"), std::string::npos);
  EXPECT_EQ(admin.Get("/readyz").status, 200);
  // The admin port serves operators only: none of the public API is there.
  EXPECT_EQ(admin.Get("/v1/drops").status, 404);
}

// Signing keys rotating every few seconds across two auth instances (one database), while
// the gateway refreshes the JWKS from both: every token is accepted the moment it is issued,
// whichever instance signed it, and a token signed before a rotation still works after it.
TEST(KeyRotationE2E, TwoAuthInstancesRotatingKeys_NoTokenIsRefused) {
  Platform::Options options;
  options.auth_replicas = 2;
  // A key signs for 4 s and is published 2 s before it does: more than the gateway's refresh
  // (1 s) plus the instances' reload (250 ms), as the flags' documentation asks.
  options.auth_env = {{"LIVEDROP_KEY_ROTATION", "4s"},
                      {"LIVEDROP_KEY_PUBLISH_LEAD", "2s"},
                      {"LIVEDROP_KEY_RELOAD", "250ms"}};
  options.gateway_env = {{"LIVEDROP_JWKS_REFRESH", "1s"}};
  Platform platform(options);
  const HttpClient http = platform.Http();
  const auto account = RegisterAccount(http);
  const std::string first_token = account.access_token;

  std::set<std::string> kids{auth::JwtVerifier::KeyIdOf(first_token)};
  int logins = 0, refused = 0;
  // Until three keys have signed (two rotations), bounded: the schedule makes one every 4 s.
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (kids.size() < 3 && std::chrono::steady_clock::now() < give_up) {
    const auto login = http.PostJson(
        "/v1/auth/login", json::serialize(json::object{{"email", account.email},
                                                       {"password", "s3cret-pass"}}));
    ASSERT_EQ(login.status, 200) << login.body;
    ++logins;
    const std::string token = Str(Json(login), "access_token");
    kids.insert(auth::JwtVerifier::KeyIdOf(token));
    const auto me = http.Get("/v1/me", token);
    if (me.status != 200) {
      ++refused;
      ADD_FAILURE() << "a fresh token signed by " << auth::JwtVerifier::KeyIdOf(token)
                    << " was refused: " << me.status << " " << me.body;
    }
    testing::Idle(100ms, "a client's pace");
  }
  EXPECT_GE(kids.size(), 3u) << "the keys did not rotate twice in 30 s";
  EXPECT_EQ(refused, 0) << "of " << logins << " logins";
  // Two rotations later the first key no longer signs, yet its token (15 min) still verifies.
  EXPECT_EQ(http.Get("/v1/me", first_token).status, 200);
}

}  // namespace
}  // namespace livedrop::e2e
