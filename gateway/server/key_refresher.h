#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/periodic.h"

namespace livedrop::gateway {

class AuthClient;

// The keys of several JWKS answers as one set: every key any source published (the first seen
// of a kid wins), so a source that has not yet seen a new key, or has already dropped an old
// one, takes nothing away from the others.
std::vector<auth::PublicKey> MergeKeySets(
    const std::vector<std::optional<std::vector<auth::PublicKey>>>& answers);

// Keeps the verifier's public keys in step with livedrop-auth's JWKS: fetched at start-up
// (retrying every second until auth answers), then every `interval`, and soon after a token
// names a key the gateway has not seen (a rotation), at most once per `min_gap`. Each pass
// asks every source (one per auth address) and verifies with the union of their keys; a source
// that does not answer counts with its last answer for three intervals more (10 s at least),
// so one auth instance down takes no keys away (and keeps none it would have retired for long).
class KeyRefresher {
 public:
  KeyRefresher(std::vector<AuthClient*> sources, auth::JwtVerifier& verifier,
               std::chrono::seconds interval,
               std::chrono::seconds min_gap = std::chrono::seconds(5));
  ~KeyRefresher();

  void Start();
  void Stop();
  bool Loaded() const { return loaded_.load(); }
  void RequestRefresh();

 private:
  void Pass();  // fetches when due; runs every second on the Periodic's thread
  bool FetchOnce();

  std::vector<AuthClient*> sources_;
  // The last answer of each source (nullopt: it has never answered); Periodic's thread only.
  std::vector<std::optional<std::vector<auth::PublicKey>>> answers_;
  std::vector<std::chrono::steady_clock::time_point> answered_at_;
  auth::JwtVerifier& verifier_;
  std::chrono::seconds interval_;
  std::chrono::seconds min_gap_;
  std::atomic<bool> loaded_{false};
  std::mutex mutex_;
  bool requested_ = false;
  std::chrono::steady_clock::time_point next_{};      // the next scheduled fetch
  std::chrono::steady_clock::time_point earliest_{};  // the earliest a requested one may run
  Periodic loop_;
};

}  // namespace livedrop::gateway
