#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

#include "livedrop/auth/jwt.h"
#include "livedrop/core/periodic.h"

namespace livedrop::gateway {

class AuthClient;

// Keeps the verifier's public keys in step with livedrop-auth's JWKS: fetched at start-up
// (retrying every second until auth answers), then every `interval`, and soon after a token
// names a key the gateway has not seen (a rotation), at most once per `min_gap`.
class KeyRefresher {
 public:
  KeyRefresher(AuthClient& client, auth::JwtVerifier& verifier, std::chrono::seconds interval,
               std::chrono::seconds min_gap = std::chrono::seconds(5));
  ~KeyRefresher();

  void Start();
  void Stop();
  bool Loaded() const { return loaded_.load(); }
  void RequestRefresh();

 private:
  void Pass();  // fetches when due; runs every second on the Periodic's thread
  bool FetchOnce();

  AuthClient& client_;
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
