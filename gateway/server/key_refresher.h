#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "livedrop/auth/jwt.h"

namespace livedrop::gateway {

class AuthClient;

// Keeps the verifier's public keys in step with livedrop-auth's JWKS: fetched at start-up
// (retrying until auth answers), then every `interval`, and soon after a token names a key
// the gateway has not seen (a rotation), at most once per `min_gap`.
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
  void Run();
  bool FetchOnce();

  AuthClient& client_;
  auth::JwtVerifier& verifier_;
  std::chrono::seconds interval_;
  std::chrono::seconds min_gap_;
  std::atomic<bool> loaded_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool requested_ = false;
  std::thread thread_;
};

}  // namespace livedrop::gateway
