#include "auth_logic.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"
#include "passwords.h"

namespace livedrop::auth {
namespace {

std::string FieldOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "validation_failed");
    return e.metadata().count("field") ? e.metadata().at("field") : "?";
  }
  return "";
}

TEST(AuthLogic, NormalizeEmail_TrimsAndLowercases) {
  EXPECT_EQ(NormalizeEmail("  Alice@Example.COM "), "alice@example.com");
}

TEST(AuthLogic, ValidateEmail_AcceptsOrdinaryAddresses) {
  EXPECT_EQ(FieldOf([] { ValidateEmail("alice@example.com"); }), "");
  EXPECT_EQ(FieldOf([] { ValidateEmail("a.b+tag@sub.example.co.uk"); }), "");
}

TEST(AuthLogic, ValidateEmail_RejectsMalformed) {
  for (const char* bad : {"", "alice", "alice@", "@example.com", "a@b@example.com", "a@example",
                          "a@.com", "a@example.", "a b@example.com", "a@exa..mple.com"}) {
    EXPECT_EQ(FieldOf([&] { ValidateEmail(bad); }), "email") << bad;
  }
  EXPECT_EQ(FieldOf([] { ValidateEmail(std::string(250, 'a') + "@example.com"); }), "email");
}

TEST(AuthLogic, ValidatePassword_RejectsWeakOnes) {
  for (const char* weak :
       {"", "short1", "allletters", "12345678901", "password123", "aaaaaaaaaaa", "PASSWORD1"}) {
    EXPECT_EQ(FieldOf([&] { ValidatePassword(weak); }), "password") << weak;
  }
  EXPECT_EQ(FieldOf([] { ValidatePassword(std::string(129, 'a') + "1"); }), "password");
}

TEST(AuthLogic, ValidatePassword_AcceptsAMixedPassword) {
  EXPECT_EQ(FieldOf([] { ValidatePassword("correct horse 9"); }), "");
}

TEST(AuthLogic, ValidateDisplayName_RequiresShortPrintableText) {
  EXPECT_EQ(FieldOf([] { ValidateDisplayName("Ada"); }), "");
  EXPECT_EQ(FieldOf([] { ValidateDisplayName("   "); }), "display_name");
  EXPECT_EQ(FieldOf([] { ValidateDisplayName(std::string(65, 'x')); }), "display_name");
  EXPECT_EQ(FieldOf([] { ValidateDisplayName("bad\nname"); }), "display_name");
}

TEST(AuthLogic, ValidateRegistrationRole_OnlyBuyerOrCreator) {
  EXPECT_EQ(FieldOf([] { ValidateRegistrationRole("buyer"); }), "");
  EXPECT_EQ(FieldOf([] { ValidateRegistrationRole("creator"); }), "");
  EXPECT_EQ(FieldOf([] { ValidateRegistrationRole("admin"); }), "role");
}

TEST(AuthLogic, Trimmed_StripsSpacesTabsAndNewlinesAtBothEnds) {
  EXPECT_EQ(Trimmed(" \t Ada Lovelace\r\n"), "Ada Lovelace");
  EXPECT_EQ(Trimmed(" \n "), "");
}

TEST(AuthLogic, LoginPlausible_EmptyOrOversizedInput_IsFalse) {
  EXPECT_TRUE(LoginPlausible("a@example.com", "correct horse 9"));
  EXPECT_FALSE(LoginPlausible("", "correct horse 9"));
  EXPECT_FALSE(LoginPlausible("a@example.com", ""));
  EXPECT_FALSE(LoginPlausible("a@example.com", std::string(kMaxPasswordLength + 1, 'x')));
  EXPECT_FALSE(LoginPlausible(std::string(kMaxEmailLength + 1, 'a'), "correct horse 9"));
}

TEST(AuthLogic, RefreshTokenPlausible_EmptyOrOver256_IsFalse) {
  EXPECT_TRUE(RefreshTokenPlausible(std::string(256, 't')));
  EXPECT_FALSE(RefreshTokenPlausible(""));
  EXPECT_FALSE(RefreshTokenPlausible(std::string(257, 't')));
}

RefreshTokenRecord Token(bool used, bool revoked, TimePoint expires_at) {
  return RefreshTokenRecord{"hash", "family", "user", expires_at, used, revoked};
}

TEST(AuthLogic, JudgeRefreshToken_UnusedAndUnexpired_Rotates) {
  const TimePoint now = Now();
  EXPECT_EQ(JudgeRefreshToken(Token(false, false, now + std::chrono::hours(1)), now),
            RefreshVerdict::kRotate);
}

TEST(AuthLogic, JudgeRefreshToken_UnknownExpiredOrRevoked_IsInvalid) {
  const TimePoint now = Now();
  EXPECT_EQ(JudgeRefreshToken(std::nullopt, now), RefreshVerdict::kInvalid);
  EXPECT_EQ(JudgeRefreshToken(Token(false, false, now - std::chrono::seconds(1)), now),
            RefreshVerdict::kInvalid);
  EXPECT_EQ(JudgeRefreshToken(Token(false, true, now + std::chrono::hours(1)), now),
            RefreshVerdict::kInvalid);
}

TEST(AuthLogic, JudgeRefreshToken_UsedBefore_IsReused) {
  const TimePoint now = Now();
  EXPECT_EQ(JudgeRefreshToken(Token(true, false, now + std::chrono::hours(1)), now),
            RefreshVerdict::kReused);
}

TEST(AuthLogic, JudgeRefreshToken_UsedButAlreadyRevoked_IsInvalidNotReused) {
  // The family is gone already: nothing more to revoke, and the answer does not say why.
  const TimePoint now = Now();
  EXPECT_EQ(JudgeRefreshToken(Token(true, true, now + std::chrono::hours(1)), now),
            RefreshVerdict::kInvalid);
  EXPECT_EQ(JudgeRefreshToken(Token(true, false, now - std::chrono::seconds(1)), now),
            RefreshVerdict::kInvalid);
}

TEST(Passwords, HashThenVerify_AcceptsOnlyTheRightPassword) {
  const PasswordHasher hasher(PasswordHashCost{1, 8 * 1024}, 2);
  const auto hash = hasher.Hash("correct horse 9");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(hasher.Verify(hash, "correct horse 9"));
  EXPECT_FALSE(hasher.Verify(hash, "correct horse 8"));
  EXPECT_NE(hasher.Hash("correct horse 9"), hash);  // salted
}

}  // namespace
}  // namespace livedrop::auth
