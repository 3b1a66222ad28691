#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace livedrop::auth {

struct PasswordHashCost {
  unsigned long long ops_limit;
  std::size_t mem_limit_bytes;
  static PasswordHashCost Interactive();  // libsodium's interactive Argon2id limits
};

// How long a hash may wait for one of the `max_concurrent` slots, and how many may wait.
struct PasswordHashQueue {
  int max_waiting = 32;
  std::chrono::milliseconds max_wait{1000};
};

// Argon2id password hashing (libsodium's crypto_pwhash_str). Hashing is deliberately
// expensive in CPU and memory, so at most `max_concurrent` hashes run at once, which keeps a
// registration burst from exhausting memory. The others wait, but boundedly: at most
// `queue.max_waiting` of them, each for at most `queue.max_wait` and never past the deadline
// of the gRPC call being served (rpc::CurrentInboundCall); past either, Hash/Verify/VerifyDummy
// throw Error(kResourceExhausted, "busy") at once (429 at the gateway), so a login storm gets
// quick refusals instead of every handler thread queueing until its callers have given up.
class PasswordHasher {
 public:
  PasswordHasher(PasswordHashCost cost, int max_concurrent, PasswordHashQueue queue = {});
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
