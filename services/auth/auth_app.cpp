#include "auth_app.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <pqxx/pqxx>
#include <unordered_map>

#include "auth_events.h"
#include "auth_proto.h"
#include "auth_store.h"
#include "key_schedule.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/pg/pool.h"
#include "passwords.h"

namespace livedrop::auth {
namespace {

std::string UserViewKey(const std::string& id) { return "ld:auth:user:" + id; }

}  // namespace

AuthApp::AuthApp(pg::Pool& pool, const PasswordHasher& hasher, TokenOptions tokens,
                 redis::VersionedCache users)
    : pool_(pool),
      hasher_(hasher),
      tokens_(std::move(tokens)),
      sealer_(tokens_.options().key_encryption_key),
      users_(std::move(users)) {}

void AuthApp::LoadOrCreateKeys() {
  RotateKeys();
  key_reload_ = std::make_unique<Periodic>("signing-key schedule", tokens_.options().key_reload,
                                           [this] { RotateKeys(); });
  key_reload_->Start();
}

void AuthApp::RotateKeys() {
  const auto& o = tokens_.options();
  // A replaced key's last tokens expire access_ttl after it stopped signing; a minute more
  // covers the verifiers' clock skew.
  const KeySchedule schedule{o.key_rotation, o.key_publish_lead,
                             std::chrono::duration_cast<std::chrono::milliseconds>(o.access_ttl) +
                                 std::chrono::minutes(1)};
  tokens_.SetKeys(pool_.Transact([&](pqxx::work& tx) {
    AuthStore::LockKeys(tx);
    const TimePoint now = Now();
    auto stored = AuthStore::ActiveKeys(tx, sealer_);
    if (sealer_.enabled()) {
      // Rows written before a key-encryption key was configured: encrypted now, once.
      for (auto& key : stored) {
        if (!key.stored_plain) continue;
        AuthStore::ResealKey(tx, key, sealer_);
        key.stored_plain = false;
        spdlog::info("signing key {}: private key encrypted at rest", key.kid);
      }
    } else {
      static std::once_flag warned;
      std::call_once(warned, [] {
        spdlog::warn("no --key-encryption-key: signing keys are stored unencrypted");
      });
    }
    auto plan = PlanKeys(std::move(stored), now, schedule);
    for (const auto& kid : plan.retire) {
      AuthStore::RetireKey(tx, kid);
      spdlog::info("signing key {} retired: every token it signed has expired", kid);
    }
    if (plan.create) {
      const auto fresh = SigningKey::Generate();
      AuthStore::InsertKey(tx, StoredKey{fresh.kid, fresh.public_key, fresh.secret_key, now,
                                         plan.new_key_activates_at},
                           sealer_);
      spdlog::info("signing key {} made; it signs from {}", fresh.kid,
                   FormatRfc3339(plan.new_key_activates_at));
      plan = PlanKeys(AuthStore::ActiveKeys(tx, sealer_), now, schedule);
    }
    return plan.published;
  }));
}

TokenPair AuthApp::IssueTokens(pqxx::transaction_base& tx, const User& user,
                               const std::string& family_id) const {
  const std::string refresh = TokenIssuer::NewRefreshToken();
  AuthStore::InsertRefreshToken(
      tx, RefreshTokenRecord{TokenIssuer::HashRefreshToken(refresh), family_id, user.id,
                             Now() + std::chrono::duration_cast<std::chrono::microseconds>(
                                         tokens_.options().refresh_ttl)});
  return TokenPair{tokens_.IssueAccessToken(user), refresh, tokens_.options().access_ttl};
}

Session AuthApp::Register(const Registration& in) {
  ValidateEmail(in.email);
  ValidatePassword(in.password);
  ValidateDisplayName(in.display_name);
  ValidateRegistrationRole(in.role);
  UserRecord record{User{NewUuid(), Trimmed(in.email), Trimmed(in.display_name), in.role, Now()},
                    ""};
  const std::string normalized = NormalizeEmail(in.email);
  // Cheap check first so a duplicate does not pay for a password hash.
  if (pool_.Transact([&](pqxx::work& tx) { return AuthStore::FindUserByEmail(tx, normalized); })) {
    throw EmailTaken();
  }
  record.password_hash = hasher_.Hash(in.password);
  return pool_.Transact([&](pqxx::work& tx) {
    const auto created_at = AuthStore::InsertUser(tx, record, normalized);
    if (!created_at) throw EmailTaken();
    record.user.created_at = *created_at;
    auto tokens = IssueTokens(tx, record.user, NewUuid());
    EmitUserRegistered(tx, record.user);
    return Session{record.user, std::move(tokens)};
  });
}

Session AuthApp::Login(const std::string& email, const std::string& password) {
  if (!LoginPlausible(email, password)) throw InvalidCredentials();
  const auto record = pool_.Transact(
      [&](pqxx::work& tx) { return AuthStore::FindUserByEmail(tx, NormalizeEmail(email)); });
  if (!record) {
    hasher_.VerifyDummy(password);
    throw InvalidCredentials();
  }
  if (!hasher_.Verify(record->password_hash, password)) throw InvalidCredentials();
  auto tokens =
      pool_.Transact([&](pqxx::work& tx) { return IssueTokens(tx, record->user, NewUuid()); });
  return Session{record->user, std::move(tokens)};
}

Session AuthApp::Refresh(const std::string& refresh_token) {
  if (!RefreshTokenPlausible(refresh_token)) throw InvalidRefreshToken();
  const std::string hash = TokenIssuer::HashRefreshToken(refresh_token);
  struct Outcome {
    RefreshVerdict verdict;
    std::optional<Session> session;
  };
  auto outcome = pool_.Transact([&](pqxx::work& tx) -> Outcome {
    const auto token = AuthStore::LockRefreshToken(tx, hash);
    const RefreshVerdict verdict = JudgeRefreshToken(token, Now());
    if (verdict == RefreshVerdict::kReused) {
      AuthStore::RevokeFamily(tx, token->family_id);  // committed, then refused
      return Outcome{verdict, std::nullopt};
    }
    if (verdict == RefreshVerdict::kInvalid) return Outcome{verdict, std::nullopt};
    const auto record = AuthStore::FindUserById(tx, token->user_id);
    if (!record) return Outcome{RefreshVerdict::kInvalid, std::nullopt};
    AuthStore::MarkRefreshTokenUsed(tx, hash);
    return Outcome{verdict, Session{record->user, IssueTokens(tx, record->user, token->family_id)}};
  });
  if (outcome.verdict == RefreshVerdict::kReused) throw RefreshTokenReused();
  if (outcome.verdict == RefreshVerdict::kInvalid) throw InvalidRefreshToken();
  return std::move(*outcome.session);
}

void AuthApp::Logout(const std::string& refresh_token) {
  if (!RefreshTokenPlausible(refresh_token)) return;
  pool_.Transact([&](pqxx::work& tx) {
    const auto token =
        AuthStore::LockRefreshToken(tx, TokenIssuer::HashRefreshToken(refresh_token));
    if (token) AuthStore::RevokeFamily(tx, token->family_id);
  });
}

User AuthApp::GetUser(const std::string& id) {
  if (!IsUuid(id)) throw NotFoundError("user");
  const std::string key = UserViewKey(id);
  if (const auto cached = users_.Get(key)) {
    if (auto user = DecodeUserView(*cached)) return std::move(*user);
  }
  const auto record =
      pool_.Transact([&](pqxx::work& tx) { return AuthStore::FindUserById(tx, id); });
  if (!record) throw NotFoundError("user");
  users_.PutIfNewer(key, 1, EncodeUserView(record->user));
  return record->user;
}

std::vector<User> AuthApp::GetUsers(const std::vector<std::string>& ids) {
  const auto wanted = BatchUuids(ids, "ids");
  std::vector<std::optional<User>> found(wanted.size());
  std::unordered_map<std::string, std::size_t> missed;  // id → its place in `wanted`
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (const auto cached = users_.Get(UserViewKey(wanted[i]))) {
      found[i] = DecodeUserView(*cached);
    }
    if (!found[i]) missed.emplace(wanted[i], i);
  }
  if (!missed.empty()) {
    std::vector<std::string> misses;
    misses.reserve(missed.size());
    for (const auto& [id, place] : missed) misses.push_back(id);
    const auto records =
        pool_.Transact([&](pqxx::work& tx) { return AuthStore::FindUsersByIds(tx, misses); });
    for (const auto& record : records) {
      const auto place = missed.find(record.user.id);
      if (place == missed.end()) continue;
      users_.PutIfNewer(UserViewKey(record.user.id), 1, EncodeUserView(record.user));
      found[place->second] = record.user;
    }
  }
  std::vector<User> users;
  users.reserve(wanted.size());
  for (auto& user : found) {
    if (user) users.push_back(std::move(*user));
  }
  return users;
}

std::vector<PublicKey> AuthApp::SigningKeys() const { return tokens_.PublicKeys(); }

}  // namespace livedrop::auth
