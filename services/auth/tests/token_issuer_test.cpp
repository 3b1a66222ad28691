// TokenIssuer and the proto conversions of auth, without a database: keys are generated in the
// test and handed over as AuthApp::LoadOrCreateKeys would.
#include "token_issuer.h"

#include <gtest/gtest.h>

#include <set>

#include "auth_proto.h"
#include "livedrop/testing/errors.h"

namespace livedrop::auth {
namespace {

using livedrop::testing::ErrorCodeOf;

StoredKey Stored(const SigningKey& key) {
  return StoredKey{key.kid, key.public_key, key.secret_key, Now()};
}

User Ada() {
  return User{"6f1c2a52-0d6e-4f55-9a53-1b8a3c5e2b10", "ada@example.com", "Ada", "creator",
              TimePoint(std::chrono::microseconds(1'700'000'000'123'456))};
}

TEST(TokenIssuer, IssueAccessToken_BeforeKeysAreLoaded_IsUnavailable) {
  const TokenIssuer tokens(TokenOptions{});
  EXPECT_EQ(ErrorCodeOf([&] { tokens.IssueAccessToken(Ada()); }), "keys_not_loaded");
}

TEST(TokenIssuer, IssueAccessToken_SignsWithTheNewestKeyAndCarriesTheUser) {
  const auto newest = SigningKey::Generate();
  const auto older = SigningKey::Generate();
  TokenIssuer tokens(
      TokenOptions{"livedrop-test", std::chrono::seconds(60), std::chrono::hours(1)});
  tokens.SetKeys({Stored(newest), Stored(older)});

  const std::string jwt = tokens.IssueAccessToken(Ada());
  EXPECT_EQ(JwtVerifier::KeyIdOf(jwt), newest.kid);
  JwtVerifier verifier("livedrop-test", "livedrop-api");
  verifier.SetKeys(tokens.PublicKeys());
  const TimePoint now = Now();
  const Claims claims = verifier.Verify(jwt, now);
  EXPECT_EQ(claims.subject, Ada().id);
  EXPECT_EQ(claims.role, "creator");
  EXPECT_EQ(claims.audience, "livedrop-api");
  ASSERT_TRUE(claims.not_before);
  EXPECT_EQ(*claims.not_before, claims.issued_at);
  EXPECT_LE(claims.expires_at - claims.issued_at, std::chrono::seconds(60));
  EXPECT_GE(claims.expires_at - claims.issued_at, std::chrono::seconds(59));
}

TEST(TokenIssuer, IssueAccessToken_AKeyNotYetActive_IsPublishedButDoesNotSign) {
  const auto upcoming = SigningKey::Generate();
  const auto current = SigningKey::Generate();
  TokenIssuer tokens(TokenOptions{});
  StoredKey next = Stored(upcoming);
  next.activates_at = Now() + std::chrono::minutes(10);
  tokens.SetKeys({next, Stored(current)});
  EXPECT_EQ(JwtVerifier::KeyIdOf(tokens.IssueAccessToken(Ada())), current.kid);
  ASSERT_EQ(tokens.PublicKeys().size(), 2u);
  EXPECT_EQ(tokens.PublicKeys()[0].kid, upcoming.kid);
  // Swapped at run time (the schedule's reload), the next token uses the new set.
  next.activates_at = Now();
  tokens.SetKeys({next, Stored(current)});
  EXPECT_EQ(JwtVerifier::KeyIdOf(tokens.IssueAccessToken(Ada())), upcoming.kid);
}

TEST(TokenIssuer, PublicKeys_NewestFirst) {
  const auto newest = SigningKey::Generate();
  const auto older = SigningKey::Generate();
  TokenIssuer tokens(TokenOptions{});
  tokens.SetKeys({Stored(newest), Stored(older)});
  const auto keys = tokens.PublicKeys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].kid, newest.kid);
  EXPECT_EQ(keys[0].public_key, newest.public_key);
  EXPECT_EQ(keys[1].kid, older.kid);
}

TEST(TokenIssuer, NewRefreshToken_Is256RandomBitsInBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto token = TokenIssuer::NewRefreshToken();
    EXPECT_EQ(token.size(), 43u);  // 32 bytes, unpadded
    EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokenIssuer, HashRefreshToken_SameTokenSameHash_OtherTokenOtherHash) {
  const auto a = TokenIssuer::NewRefreshToken();
  const auto b = TokenIssuer::NewRefreshToken();
  EXPECT_EQ(TokenIssuer::HashRefreshToken(a), TokenIssuer::HashRefreshToken(a));
  EXPECT_NE(TokenIssuer::HashRefreshToken(a), TokenIssuer::HashRefreshToken(b));
  EXPECT_NE(TokenIssuer::HashRefreshToken(a), a);
}

TEST(AuthProto, UserView_EncodedThenDecoded_IsTheSameUser) {
  const auto decoded = DecodeUserView(EncodeUserView(Ada()));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, Ada().id);
  EXPECT_EQ(decoded->email, Ada().email);
  EXPECT_EQ(decoded->display_name, Ada().display_name);
  EXPECT_EQ(decoded->role, "creator");
  EXPECT_EQ(decoded->created_at, Ada().created_at);
}

TEST(AuthProto, UserView_Garbage_DecodesToNothing) {
  EXPECT_FALSE(DecodeUserView("\xff\xff\xff").has_value());
}

TEST(AuthProto, RoleFromProto_UnspecifiedIsEmpty_SoRegistrationRefusesIt) {
  EXPECT_EQ(RoleFromProto(v1::ROLE_BUYER), "buyer");
  EXPECT_EQ(RoleFromProto(v1::ROLE_CREATOR), "creator");
  EXPECT_EQ(RoleFromProto(v1::ROLE_ADMIN), "admin");
  EXPECT_EQ(RoleFromProto(v1::ROLE_UNSPECIFIED), "");
  EXPECT_EQ(ErrorCodeOf([] { ValidateRegistrationRole(RoleFromProto(v1::ROLE_UNSPECIFIED)); }),
            "validation_failed");
  EXPECT_EQ(RoleToProto("admin"), v1::ROLE_ADMIN);
  EXPECT_EQ(RoleToProto("nobody"), v1::ROLE_UNSPECIFIED);
}

}  // namespace
}  // namespace livedrop::auth
