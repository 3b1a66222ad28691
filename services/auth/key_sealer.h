#pragma once

#include <string>
#include <string_view>

namespace livedrop::auth {

// Signing keys' private halves encrypted at rest with a key-encryption key from configuration
// (--key-encryption-key): XChaCha20-Poly1305 (libsodium crypto_aead_xchacha20poly1305_ietf,
// a random 24-byte nonce per key, the kid as associated data so a sealed secret cannot be moved
// to another row). Stored as "v1:" + base64url(nonce || ciphertext). Without a key-encryption
// key secrets are stored as plain base64url, as before (a developer's loopback only).
class KeySealer {
 public:
  // `kek`: 32 raw bytes, or empty for none. Throws Error(kInvalidArgument, config_invalid)
  // for any other length.
  explicit KeySealer(std::string kek = {});

  bool enabled() const { return !kek_.empty(); }
  // What to store for `secret`: sealed when enabled, plain base64url otherwise.
  std::string Seal(std::string_view kid, std::string_view secret) const;
  // The raw secret from what is stored. Throws Error(kInternal, "corrupt_key") for a sealed
  // value it cannot open (wrong key-encryption key, another kid, tampered) and for a sealed
  // value without a key-encryption key.
  std::string Open(std::string_view kid, std::string_view stored) const;
  static bool IsSealed(std::string_view stored);

 private:
  std::string kek_;
};

}  // namespace livedrop::auth
