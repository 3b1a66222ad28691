#include "key_refresher.h"

#include <spdlog/spdlog.h>

#include "clients/auth_client.h"
#include "livedrop/core/ids.h"

namespace livedrop::gateway {

KeyRefresher::KeyRefresher(AuthClient& client, auth::JwtVerifier& verifier,
                           std::chrono::seconds interval, std::chrono::seconds min_gap)
    : client_(client), verifier_(verifier), interval_(interval), min_gap_(min_gap) {}

KeyRefresher::~KeyRefresher() { Stop(); }

void KeyRefresher::Start() { thread_ = std::thread([this] { Run(); }); }

void KeyRefresher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void KeyRefresher::RequestRefresh() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

bool KeyRefresher::FetchOnce() {
  try {
    const auto jwks = client_.GetJwksBlocking();
    std::vector<auth::PublicKey> keys;
    for (const auto& jwk : jwks.keys()) {
      std::string raw;
      if (jwk.kty() == "OKP" && jwk.crv() == "Ed25519" && Base64UrlDecode(jwk.x(), raw)) {
        keys.push_back(auth::PublicKey{jwk.kid(), raw});
      }
    }
    if (keys.empty()) return false;
    verifier_.SetKeys(std::move(keys));
    if (!loaded_.exchange(true)) spdlog::info("access-token keys loaded from livedrop-auth");
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("cannot fetch access-token keys from livedrop-auth: {}", e.what());
    return false;
  }
}

void KeyRefresher::Run() {
  auto next = std::chrono::steady_clock::now();
  auto earliest = next;
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const bool due = std::chrono::steady_clock::now() >= next ||
                     (requested_ && std::chrono::steady_clock::now() >= earliest);
    if (due) {
      requested_ = false;
      lock.unlock();
      const bool ok = FetchOnce();
      lock.lock();
      const auto now = std::chrono::steady_clock::now();
      earliest = now + min_gap_;
      next = now + (ok ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_)
                       : std::chrono::seconds(1));
      continue;
    }
    wake_.wait_until(lock, requested_ ? earliest : next);
  }
}

}  // namespace livedrop::gateway
