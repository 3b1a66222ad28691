#include "livedrop/auth/jwt.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {
namespace {

using namespace std::chrono_literals;

constexpr char kAudience[] = "livedrop-api";

Claims SampleClaims(TimePoint now) {
  return Claims{"user-1", "creator", "livedrop", "jti-1", now, now + 15min, kAudience, now};
}

std::int64_t Unix(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

ErrorKind KindOf(const JwtVerifier& v, const std::string& token, TimePoint now, std::string& code) {
  try {
    v.Verify(token, now);
  } catch (const Error& e) {
    code = e.code();
    return e.kind();
  }
  code = "ok";
  return ErrorKind::kInternal;
}

class JwtTest : public ::testing::Test {
 protected:
  SigningKey key = SigningKey::Generate();
  JwtVerifier verifier{"livedrop", kAudience, 30s};
  TimePoint now = Now();
  void SetUp() override { verifier.SetKeys({{key.kid, key.public_key}}); }
};

TEST_F(JwtTest, SignThenVerify_ReturnsTheClaims) {
  const auto token = SignJwt(SampleClaims(now), key);
  const auto claims = verifier.Verify(token, now);
  EXPECT_EQ(claims.subject, "user-1");
  EXPECT_EQ(claims.role, "creator");
  EXPECT_EQ(claims.token_id, "jti-1");
  EXPECT_EQ(JwtVerifier::KeyIdOf(token), key.kid);
}

TEST_F(JwtTest, Verify_ExpiredToken_IsTokenExpired) {
  const auto token = SignJwt(SampleClaims(now), key);
  std::string code;
  EXPECT_EQ(KindOf(verifier, token, now + 16min, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_expired");
}

TEST_F(JwtTest, Verify_TamperedPayload_IsRejected) {
  auto claims = SampleClaims(now);
  const auto token = SignJwt(claims, key);
  claims.role = "admin";
  const auto forged = SignJwt(claims, key);
  // Keep the original signature but swap in the forged payload.
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const auto f1 = forged.find('.');
  const auto f2 = forged.rfind('.');
  const std::string tampered =
      token.substr(0, dot1 + 1) + forged.substr(f1 + 1, f2 - f1 - 1) + token.substr(dot2);
  std::string code;
  EXPECT_EQ(KindOf(verifier, tampered, now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
}

TEST_F(JwtTest, Verify_TokenFromAnotherKey_IsRejected) {
  auto other = SigningKey::Generate();
  other.kid = key.kid;  // same kid, different key: the signature must not verify
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwt(SampleClaims(now), other), now, code),
            ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
}

TEST_F(JwtTest, Verify_AlgNone_IsRejected) {
  const std::string header =
      Base64UrlEncode(R"({"alg":"none","typ":"JWT","kid":")" + key.kid + R"("})");
  const std::string payload =
      Base64UrlEncode(R"({"sub":"u","iss":"livedrop","iat":1,"exp":9999999999})");
  std::string code;
  EXPECT_EQ(KindOf(verifier, header + "." + payload + ".", now, code), ErrorKind::kUnauthenticated);
}

TEST_F(JwtTest, Verify_Garbage_IsRejected) {
  std::string code;
  EXPECT_EQ(KindOf(verifier, "", now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(KindOf(verifier, "a.b", now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(KindOf(verifier, "a.b.c.d", now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(KindOf(verifier, "!!.??.**", now, code), ErrorKind::kUnauthenticated);
}

TEST_F(JwtTest, Verify_WrongIssuer_IsRejected) {
  auto claims = SampleClaims(now);
  claims.issuer = "someone-else";
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwt(claims, key), now, code), ErrorKind::kUnauthenticated);
}

TEST_F(JwtTest, Verify_WrongOrMissingAudience_IsTokenInvalid) {
  auto claims = SampleClaims(now);
  claims.audience = "livedrop-admin";
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwt(claims, key), now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
  claims.audience = "";  // no aud at all
  EXPECT_EQ(KindOf(verifier, SignJwt(claims, key), now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
}

TEST_F(JwtTest, Verify_AudienceArrayNamingUs_IsAccepted) {
  const std::string payload =
      R"({"sub":"u","iss":"livedrop","aud":["other","livedrop-api"],"iat":)" +
      std::to_string(Unix(now)) + R"(,"exp":)" + std::to_string(Unix(now + 15min)) + "}";
  EXPECT_EQ(verifier.Verify(SignJwtPayload(payload, key), now).subject, "u");
  const std::string others = R"({"sub":"u","iss":"livedrop","aud":["other"],"iat":)" +
                             std::to_string(Unix(now)) + R"(,"exp":)" +
                             std::to_string(Unix(now + 15min)) + "}";
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwtPayload(others, key), now, code), ErrorKind::kUnauthenticated);
}

TEST_F(JwtTest, Verify_NotBeforeInTheFuture_IsTokenInvalidUntilItPasses) {
  auto claims = SampleClaims(now);
  claims.not_before = now + 5min;
  const auto token = SignJwt(claims, key);
  std::string code;
  EXPECT_EQ(KindOf(verifier, token, now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
  // Within the leeway of nbf (clock skew) and after it, the same token passes.
  EXPECT_EQ(verifier.Verify(token, now + 5min - 20s).subject, "user-1");
  EXPECT_EQ(verifier.Verify(token, now + 6min).subject, "user-1");
}

TEST_F(JwtTest, Verify_WithoutIssuedAt_IsTokenInvalid) {
  const std::string payload = R"({"sub":"u","iss":"livedrop","aud":"livedrop-api","exp":)" +
                              std::to_string(Unix(now + 15min)) + "}";
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwtPayload(payload, key), now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
}

// Found by tools/fuzz/fuzz_jwt: an exp of 2^63-1 seconds overflowed the conversion to
// microseconds (undefined behaviour, and a token that never expired).
TEST_F(JwtTest, Verify_DatesOutsideYears1970To9999_AreTokenInvalid) {
  for (const std::string exp : {"9223372036854775807", "253402300800", "-1"}) {
    const std::string payload = R"({"sub":"u","iss":"livedrop","aud":"livedrop-api","iat":)" +
                                std::to_string(Unix(now)) + R"(,"exp":)" + exp + "}";
    std::string code;
    EXPECT_EQ(KindOf(verifier, SignJwtPayload(payload, key), now, code),
              ErrorKind::kUnauthenticated)
        << exp;
    EXPECT_EQ(code, "token_invalid") << exp;
  }
}

TEST_F(JwtTest, Verify_IssuedInTheFuture_IsTokenInvalid) {
  auto claims = SampleClaims(now);
  claims.issued_at = now + 2min;
  claims.not_before.reset();
  std::string code;
  EXPECT_EQ(KindOf(verifier, SignJwt(claims, key), now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, "token_invalid");
  // Less than the leeway ahead is clock skew, not an error.
  claims.issued_at = now + 10s;
  EXPECT_EQ(verifier.Verify(SignJwt(claims, key), now).subject, "user-1");
}

TEST_F(JwtTest, SetKeys_RotatingAwayAKey_InvalidatesItsTokens) {
  const auto token = SignJwt(SampleClaims(now), key);
  const auto next = SigningKey::Generate();
  verifier.SetKeys({{next.kid, next.public_key}});
  EXPECT_FALSE(verifier.HasKey(key.kid));
  std::string code;
  EXPECT_EQ(KindOf(verifier, token, now, code), ErrorKind::kUnauthenticated);
}

// `v` refuses `token` at `now` as unauthenticated with `code`.
void ExpectRefused(const JwtVerifier& v, const std::string& token, TimePoint now,
                   const std::string& expected_code) {
  std::string code;
  EXPECT_EQ(KindOf(v, token, now, code), ErrorKind::kUnauthenticated);
  EXPECT_EQ(code, expected_code);
}

// The same verifier remembering the tokens it verified.
class RememberingJwtTest : public JwtTest {
 protected:
  JwtVerifier remembering{"livedrop", kAudience, 30s, 64};
  void SetUp() override {
    JwtTest::SetUp();
    remembering.SetKeys({{key.kid, key.public_key}});
  }
};

TEST_F(RememberingJwtTest, TheSameTokenAgain_IsAnsweredFromMemoryWithTheSameClaims) {
  const auto token = SignJwt(SampleClaims(now), key);
  const auto first = remembering.Verify(token, now);
  EXPECT_EQ(remembering.remembered_hits(), 0u);
  const auto again = remembering.Verify(token, now + 1s);
  EXPECT_EQ(remembering.remembered_hits(), 1u);
  EXPECT_EQ(again.subject, first.subject);
  EXPECT_EQ(again.role, first.role);
  EXPECT_EQ(again.expires_at, first.expires_at);
  // Without remembering, every call checks the signature.
  verifier.Verify(token, now);
  verifier.Verify(token, now);
  EXPECT_EQ(verifier.remembered_hits(), 0u);
  EXPECT_EQ(verifier.remembered(), 0u);
}

TEST_F(RememberingJwtTest, ARememberedToken_StillExpires_AndIsForgotten) {
  const auto token = SignJwt(SampleClaims(now), key);
  remembering.Verify(token, now);
  ExpectRefused(remembering, token, now + 16min, "token_expired");
  EXPECT_EQ(remembering.remembered(), 0u);
}

TEST_F(RememberingJwtTest, AnotherTokenOfTheSameBearer_IsCheckedAfresh) {
  auto claims = SampleClaims(now);
  const auto token = SignJwt(claims, key);
  remembering.Verify(token, now);
  // The same header and signature on another payload: not the remembered token's bytes.
  claims.role = "admin";
  const auto forged = SignJwt(claims, key);
  const auto dot = token.rfind('.');
  const auto tampered = forged.substr(0, forged.rfind('.')) + token.substr(dot);
  ExpectRefused(remembering, tampered, now, "token_invalid");
}

TEST_F(RememberingJwtTest, RotatingAwayAKey_ForgetsItsTokens_AddingOneDoesNot) {
  const auto token = SignJwt(SampleClaims(now), key);
  remembering.Verify(token, now);
  remembering.SetKeys({{key.kid, key.public_key}});  // a refresh that found nothing new
  EXPECT_EQ(remembering.remembered(), 1u);
  // The next key published ahead of the rotation: the current one still verifies its tokens.
  const auto next = SigningKey::Generate();
  remembering.SetKeys({{key.kid, key.public_key}, {next.kid, next.public_key}});
  EXPECT_EQ(remembering.remembered(), 1u);
  remembering.SetKeys({{next.kid, next.public_key}});  // the current key retired
  EXPECT_EQ(remembering.remembered(), 0u);
  ExpectRefused(remembering, token, now, "token_invalid");
}

TEST_F(RememberingJwtTest, AKidThatNowNamesAnotherKey_ForgetsItsTokens) {
  const auto token = SignJwt(SampleClaims(now), key);
  remembering.Verify(token, now);
  const auto other = SigningKey::Generate();
  remembering.SetKeys({{key.kid, other.public_key}});
  EXPECT_EQ(remembering.remembered(), 0u);
  ExpectRefused(remembering, token, now, "token_invalid");
}

TEST_F(RememberingJwtTest, RememberedTokens_AreBounded_EachTokenThatLeftIsCounted) {
  int evicted = 0;
  JwtVerifier bounded{"livedrop", kAudience, 30s, 64, [&] { ++evicted; }};
  bounded.SetKeys({{key.kid, key.public_key}});
  for (int i = 0; i < 500; ++i) {
    auto claims = SampleClaims(now);
    claims.subject = "user-" + std::to_string(i);
    bounded.Verify(SignJwt(claims, key), now);
  }
  EXPECT_GT(bounded.remembered(), 0u);
  EXPECT_LE(bounded.remembered(), 64u);
  EXPECT_EQ(static_cast<std::size_t>(evicted), 500 - bounded.remembered());
}

}  // namespace
}  // namespace livedrop::auth
