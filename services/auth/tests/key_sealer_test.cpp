// Signing keys' private halves at rest, without a database.
#include "key_sealer.h"

#include <gtest/gtest.h>

#include "livedrop/core/ids.h"
#include "livedrop/testing/errors.h"

namespace livedrop::auth {
namespace {

using livedrop::testing::ErrorCodeOf;

const std::string kKek(32, '\x42');
const std::string kSecret = std::string(64, '\x07') + "secret";

TEST(KeySealer, Sealed_IsNotThePlainSecretAndOpensBackWithTheSameKeyAndKid) {
  const KeySealer sealer(kKek);
  const std::string stored = sealer.Seal("kid-1", kSecret);
  EXPECT_TRUE(KeySealer::IsSealed(stored));
  EXPECT_EQ(stored.find(Base64UrlEncode(kSecret)), std::string::npos);
  EXPECT_NE(sealer.Seal("kid-1", kSecret), stored);  // a fresh nonce each time
  EXPECT_EQ(sealer.Open("kid-1", stored), kSecret);
}

TEST(KeySealer, WrongKeyOtherKidTamperedOrNoKey_CannotOpen) {
  const std::string stored = KeySealer(kKek).Seal("kid-1", kSecret);
  EXPECT_EQ(ErrorCodeOf([&] { KeySealer(std::string(32, '\x43')).Open("kid-1", stored); }),
            "corrupt_key");
  EXPECT_EQ(ErrorCodeOf([&] { KeySealer(kKek).Open("kid-2", stored); }), "corrupt_key");
  std::string tampered = stored;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorCodeOf([&] { KeySealer(kKek).Open("kid-1", tampered); }), "corrupt_key");
  EXPECT_EQ(ErrorCodeOf([&] { KeySealer().Open("kid-1", stored); }), "corrupt_key");
}

TEST(KeySealer, PlainRows_StillOpenAndWithoutAKeyNothingIsSealed) {
  const std::string plain = Base64UrlEncode(kSecret);
  EXPECT_FALSE(KeySealer::IsSealed(plain));
  EXPECT_EQ(KeySealer(kKek).Open("kid-1", plain), kSecret);
  EXPECT_EQ(KeySealer().Seal("kid-1", kSecret), plain);
}

TEST(KeySealer, AKeyOfTheWrongLength_IsAConfigurationError) {
  EXPECT_EQ(ErrorCodeOf([] { KeySealer(std::string(16, 'x')); }), "config_invalid");
}

}  // namespace
}  // namespace livedrop::auth
