#include <gtest/gtest.h>

#include "auth_logic.h"
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
  for (const char* weak : {"", "short1", "allletters", "12345678901", "password123", "aaaaaaaaaaa",
                           "PASSWORD1"}) {
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
