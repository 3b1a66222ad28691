#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace livedrop::auth {

struct PasswordHashCost {
  unsigned long long ops_limit;
  std::size_t mem_limit_bytes;
  static PasswordHashCost Interactive();  // libsodium's interactive Argon2id limits
};

// Argon2id password hashing (libsodium's crypto_pwhash_str). Hashing is deliberately
// expensive in CPU and memory, so at most `max_concurrent` hashes run at once; the others
// wait, which keeps a registration burst from exhausting memory.
class PasswordHasher {
 public:
  PasswordHasher(PasswordHashCost cost, int max_concurrent);
  ~PasswordHasher();

  std::string Hash(std::string_view password) const;
  bool Verify(std::string_view hash, std::string_view password) const;
  // Spends the time of a Verify without a real hash, so that "no such user" and
  // "wrong password" cannot be told apart by timing.
  void VerifyDummy(std::string_view password) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::auth
