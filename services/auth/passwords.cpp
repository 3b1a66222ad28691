#include "passwords.h"

#include <sodium.h>

#include <semaphore>

#include "livedrop/core/error.h"

namespace livedrop::auth {

PasswordHashCost PasswordHashCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

struct PasswordHasher::Impl {
  PasswordHashCost cost;
  mutable std::counting_semaphore<1024> slots;
  std::string dummy_hash;

  Impl(PasswordHashCost c, int max_concurrent) : cost(c), slots(max_concurrent) {}

  std::string HashNow(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    slots.acquire();
    const int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit,
                                         cost.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13);
    slots.release();
    if (rc != 0) {
      throw Error(ErrorKind::kResourceExhausted, "busy", "server is busy, try again shortly");
    }
    return out;
  }
};

PasswordHasher::PasswordHasher(PasswordHashCost cost, int max_concurrent)
    : impl_(std::make_unique<Impl>(cost, max_concurrent < 1 ? 1 : max_concurrent)) {
  if (sodium_init() < 0) {
    throw Error(ErrorKind::kInternal, "crypto_unavailable", "libsodium failed to start");
  }
  impl_->dummy_hash = impl_->HashNow("dummy-password-for-timing");
}

PasswordHasher::~PasswordHasher() = default;

std::string PasswordHasher::Hash(std::string_view password) const {
  return impl_->HashNow(password);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  const std::string stored(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  impl_->slots.acquire();
  const int rc = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size());
  impl_->slots.release();
  return rc == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  Verify(impl_->dummy_hash, password);
}

}  // namespace livedrop::auth
