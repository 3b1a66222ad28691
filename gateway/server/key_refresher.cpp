#include "key_refresher.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "clients/auth_client.h"
#include "livedrop/core/ids.h"

namespace livedrop::gateway {

std::vector<auth::PublicKey> MergeKeySets(
    const std::vector<std::optional<std::vector<auth::PublicKey>>>& answers) {
  std::vector<auth::PublicKey> merged;
  for (const auto& answer : answers) {
    if (!answer) continue;
    for (const auto& key : *answer) {
      const bool seen = std::any_of(merged.begin(), merged.end(),
                                    [&](const auth::PublicKey& k) { return k.kid == key.kid; });
      if (!seen) merged.push_back(key);
    }
  }
  return merged;
}

KeyRefresher::KeyRefresher(std::vector<AuthClient*> sources, auth::JwtVerifier& verifier,
                           std::chrono::seconds interval, std::chrono::seconds min_gap)
    : sources_(std::move(sources)),
      answers_(sources_.size()),
      answered_at_(sources_.size()),
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
  bool any = false;
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    try {
      const auto jwks = sources_[i]->GetJwksBlocking();
      std::vector<auth::PublicKey> keys;
      for (const auto& jwk : jwks.keys()) {
        std::string raw;
        if (jwk.kty() == "OKP" && jwk.crv() == "Ed25519" && Base64UrlDecode(jwk.x(), raw)) {
          keys.push_back(auth::PublicKey{jwk.kid(), raw});
        }
      }
      if (keys.empty()) continue;  // an instance without keys yet: keep what it said before
      answers_[i] = std::move(keys);
      answered_at_[i] = std::chrono::steady_clock::now();
      any = true;
    } catch (const std::exception& e) {
      spdlog::warn("cannot fetch access-token keys from livedrop-auth (source {} of {}): {}",
                   i + 1, sources_.size(), e.what());
    }
  }
  const auto stale = std::chrono::steady_clock::now() -
                     std::max<std::chrono::steady_clock::duration>(3 * interval_,
                                                                    std::chrono::seconds(10));
  for (std::size_t i = 0; i < sources_.size(); ++i) {
    if (answers_[i] && answered_at_[i] < stale) answers_[i].reset();
  }
  auto merged = MergeKeySets(answers_);
  if (merged.empty()) return false;
  verifier_.SetKeys(std::move(merged));
  if (!loaded_.exchange(true)) spdlog::info("access-token keys loaded from livedrop-auth");
  return any;
}

}  // namespace livedrop::gateway
