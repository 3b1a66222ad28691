#include "passwords.h"

#include <sodium.h>

#include <atomic>
#include <semaphore>

#include "livedrop/core/error.h"
#include "livedrop/grpc/call.h"

namespace livedrop::auth {

PasswordHashCost PasswordHashCost::Interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

namespace {

Error Busy() {
  return Error(ErrorKind::kResourceExhausted, "busy", "server is busy, try again shortly");
}

}  // namespace

struct PasswordHasher::Impl {
  PasswordHashCost cost;
  PasswordHashQueue queue;
  mutable std::counting_semaphore<1024> slots;
  mutable std::atomic<int> waiting{0};
  std::string dummy_hash;

  Impl(PasswordHashCost c, int max_concurrent, PasswordHashQueue q)
      : cost(c), queue(q), slots(max_concurrent) {}

  // A slot, or Busy() once the queue is full, max_wait has passed or the caller's deadline is
  // near (20 ms left to answer it).
  void Acquire() const {
    if (slots.try_acquire()) return;
    if (waiting.fetch_add(1) >= queue.max_waiting) {
      waiting.fetch_sub(1);
      throw Busy();
    }
    auto until = std::chrono::steady_clock::now() + queue.max_wait;
    if (const auto* call = rpc::CurrentInboundCall(); call && call->deadline) {
      const auto left = *call->deadline - std::chrono::system_clock::now();
      until = std::min(until, std::chrono::steady_clock::now() +
                                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      left - std::chrono::milliseconds(20)));
    }
    const bool got = slots.try_acquire_until(until);
    waiting.fetch_sub(1);
    if (!got) throw Busy();
  }

  std::string HashNow(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    Acquire();
    const int rc = crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops_limit,
                                         cost.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13);
    slots.release();
    if (rc != 0) {
      throw Error(ErrorKind::kResourceExhausted, "busy", "server is busy, try again shortly");
    }
    return out;
  }
};

PasswordHasher::PasswordHasher(PasswordHashCost cost, int max_concurrent, PasswordHashQueue queue)
    : impl_(std::make_unique<Impl>(cost, max_concurrent < 1 ? 1 : max_concurrent, queue)) {
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
  impl_->Acquire();
  const int rc = crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size());
  impl_->slots.release();
  return rc == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  Verify(impl_->dummy_hash, password);
}

}  // namespace livedrop::auth
