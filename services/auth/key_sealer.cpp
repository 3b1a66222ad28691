#include "key_sealer.h"

#include <sodium.h>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"

namespace livedrop::auth {
namespace {

constexpr std::string_view kPrefix = "v1:";

Error Corrupt(const std::string& why) {
  return Error(ErrorKind::kInternal, "corrupt_key", "stored signing key: " + why);
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

KeySealer::KeySealer(std::string kek) : kek_(std::move(kek)) {
  if (sodium_init() < 0) throw Error(ErrorKind::kInternal, "crypto_unavailable", "libsodium");
  if (!kek_.empty() && kek_.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "--key-encryption-key must be 32 bytes in base64url");
  }
}

bool KeySealer::IsSealed(std::string_view stored) { return stored.substr(0, 3) == kPrefix; }

std::string KeySealer::Seal(std::string_view kid, std::string_view secret) const {
  if (!enabled()) return Base64UrlEncode(secret);
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                      secret.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written, Bytes(secret),
      secret.size(), Bytes(kid), kid.size(), nullptr, nonce, Bytes(kek_));
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
  return std::string(kPrefix) + Base64UrlEncode(out);
}

std::string KeySealer::Open(std::string_view kid, std::string_view stored) const {
  std::string raw;
  if (!IsSealed(stored)) {
    if (!Base64UrlDecode(stored, raw)) throw Corrupt("not base64url");
    return raw;
  }
  if (!enabled()) throw Corrupt("sealed, and no --key-encryption-key is configured");
  if (!Base64UrlDecode(stored.substr(kPrefix.size()), raw) ||
      raw.size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                       crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    throw Corrupt("malformed");
  }
  const auto* nonce = Bytes(raw);
  const std::string_view sealed =
      std::string_view(raw).substr(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  std::string secret(sealed.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long opened = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(secret.data()), &opened, nullptr, Bytes(sealed),
          sealed.size(), Bytes(kid), kid.size(), nonce, Bytes(kek_)) != 0) {
    throw Corrupt("cannot be opened with the configured --key-encryption-key");
  }
  secret.resize(opened);
  return secret;
}

}  // namespace livedrop::auth
