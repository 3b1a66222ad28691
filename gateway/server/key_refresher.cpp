#include "key_refresher.h"

#include <spdlog/spdlog.h>

#include "clients/auth_client.h"
#include "livedrop/core/ids.h"

namespace livedrop::gateway {

KeyRefresher::KeyRefresher(AuthClient& client, auth::JwtVerifier& verifier,
                           std::chrono::seconds interval, std::chrono::seconds min_gap)
    : client_(client),
      verifier_(verifier),
      interval_(interval),
      min_gap_(min_gap),
      loop_("access-token keys", std::chrono::seconds(1), [this] { Pass(); }) {}

KeyRefresher::~KeyRefresher() { Stop(); }

void KeyRefresher::Start() { loop_.Start(); }

void KeyRefresher::Stop() { loop_.Stop(); }

void KeyRefresher::RequestRefresh() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  loop_.Wake();
}

void KeyRefresher::Pass() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (now < next_ && !(requested_ && now >= earliest_)) return;
    requested_ = false;
  }
  const bool ok = FetchOnce();
  const auto done = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  earliest_ = done + min_gap_;
  next_ = done + (ok ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_)
                     : std::chrono::seconds(1));
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

}  // namespace livedrop::gateway
