#include "auth_store.h"

#include <pqxx/pqxx>

#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/pg/arrays.h"

namespace livedrop::auth {
namespace {

constexpr char kInsertUser[] = R"sql(
  INSERT INTO users (id, email, email_normalized, password_hash, display_name, role)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (email_normalized) DO NOTHING
  RETURNING (extract(epoch FROM created_at) * 1000000)::bigint
)sql";

// All three read the columns ReadUser expects, in its order.
constexpr char kFindUserByEmail[] = R"sql(
  SELECT id::text, email, display_name, role, password_hash,
         (extract(epoch FROM created_at) * 1000000)::bigint
  FROM users WHERE email_normalized = $1
)sql";

constexpr char kFindUserById[] = R"sql(
  SELECT id::text, email, display_name, role, password_hash,
         (extract(epoch FROM created_at) * 1000000)::bigint
  FROM users WHERE id = $1
)sql";

constexpr char kFindUsersByIds[] = R"sql(
  SELECT id::text, email, display_name, role, password_hash,
         (extract(epoch FROM created_at) * 1000000)::bigint
  FROM users WHERE id = ANY($1::uuid[])
)sql";

constexpr char kInsertRefreshToken[] = R"sql(
  INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at)
  VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000000))
)sql";

constexpr char kLockRefreshToken[] = R"sql(
  SELECT token_hash, family_id::text, user_id::text,
         (extract(epoch FROM expires_at) * 1000000)::bigint,
         used_at IS NOT NULL, revoked_at IS NOT NULL
  FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE
)sql";

constexpr char kMarkUsed[] =
    "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL";

constexpr char kRevokeFamily[] =
    "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL";

// Any constant distinct from other advisory locks in this schema.
constexpr char kLockKeys[] = "SELECT pg_advisory_xact_lock(hashtext('auth.signing_keys'))";

constexpr char kActiveKeys[] = R"sql(
  SELECT kid, public_key, secret_key, (extract(epoch FROM created_at) * 1000000)::bigint,
         (extract(epoch FROM activates_at) * 1000000)::bigint
  FROM signing_keys WHERE retired_at IS NULL ORDER BY activates_at DESC, created_at DESC
)sql";

constexpr char kInsertKey[] = R"sql(
  INSERT INTO signing_keys (kid, public_key, secret_key, activates_at)
  VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000000))
)sql";

constexpr char kResealKey[] = "UPDATE signing_keys SET secret_key = $2 WHERE kid = $1";

constexpr char kRetireKey[] =
    "UPDATE signing_keys SET retired_at = now() WHERE kid = $1 AND retired_at IS NULL";

TimePoint Micros(const pqxx::field& f) {
  return TimePoint(std::chrono::microseconds(f.as<long long>()));
}

UserRecord ReadUser(const pqxx::row& r) {
  return UserRecord{User{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                         r[3].as<std::string>(), Micros(r[5])},
                    r[4].as<std::string>()};
}

std::string Decode(const std::string& b64) {
  std::string raw;
  if (!Base64UrlDecode(b64, raw)) {
    throw Error(ErrorKind::kInternal, "corrupt_key", "stored signing key is not base64url");
  }
  return raw;
}

}  // namespace

std::optional<TimePoint> AuthStore::InsertUser(pqxx::transaction_base& tx, const UserRecord& user,
                                               const std::string& email_normalized) {
  const auto result = tx.exec_params(kInsertUser, user.user.id, user.user.email, email_normalized,
                                     user.password_hash, user.user.display_name, user.user.role);
  if (result.empty()) return std::nullopt;
  return Micros(result[0][0]);
}

std::optional<UserRecord> AuthStore::FindUserByEmail(pqxx::transaction_base& tx,
                                                     const std::string& email_normalized) {
  const auto result = tx.exec_params(kFindUserByEmail, email_normalized);
  if (result.empty()) return std::nullopt;
  return ReadUser(result[0]);
}

std::optional<UserRecord> AuthStore::FindUserById(pqxx::transaction_base& tx,
                                                  const std::string& id) {
  const auto result = tx.exec_params(kFindUserById, id);
  if (result.empty()) return std::nullopt;
  return ReadUser(result[0]);
}

std::vector<UserRecord> AuthStore::FindUsersByIds(pqxx::transaction_base& tx,
                                                  const std::vector<std::string>& ids) {
  std::vector<UserRecord> users;
  for (const auto& r : tx.exec_params(kFindUsersByIds, pg::ArrayLiteral(ids))) {
    users.push_back(ReadUser(r));
  }
  return users;
}

void AuthStore::InsertRefreshToken(pqxx::transaction_base& tx, const RefreshTokenRecord& token) {
  tx.exec_params(kInsertRefreshToken, token.token_hash, token.family_id, token.user_id,
                 static_cast<long long>(token.expires_at.time_since_epoch().count()));
}

std::optional<RefreshTokenRecord> AuthStore::LockRefreshToken(pqxx::transaction_base& tx,
                                                              const std::string& token_hash) {
  const auto result = tx.exec_params(kLockRefreshToken, token_hash);
  if (result.empty()) return std::nullopt;
  const auto& r = result[0];
  return RefreshTokenRecord{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                            Micros(r[3]),           r[4].as<bool>(),        r[5].as<bool>()};
}

void AuthStore::MarkRefreshTokenUsed(pqxx::transaction_base& tx, const std::string& token_hash) {
  tx.exec_params(kMarkUsed, token_hash);
}

void AuthStore::RevokeFamily(pqxx::transaction_base& tx, const std::string& family_id) {
  tx.exec_params(kRevokeFamily, family_id);
}

void AuthStore::LockKeys(pqxx::transaction_base& tx) { tx.exec(kLockKeys); }

std::vector<StoredKey> AuthStore::ActiveKeys(pqxx::transaction_base& tx,
                                             const KeySealer& sealer) {
  std::vector<StoredKey> keys;
  for (const auto& r : tx.exec(kActiveKeys)) {
    const auto kid = r[0].as<std::string>();
    const auto secret = r[2].as<std::string>();
    keys.push_back(StoredKey{kid, Decode(r[1].as<std::string>()), sealer.Open(kid, secret),
                             Micros(r[3]), Micros(r[4]), !KeySealer::IsSealed(secret)});
  }
  return keys;
}

void AuthStore::ResealKey(pqxx::transaction_base& tx, const StoredKey& key,
                          const KeySealer& sealer) {
  tx.exec_params(kResealKey, key.kid, sealer.Seal(key.kid, key.secret_key));
}

void AuthStore::InsertKey(pqxx::transaction_base& tx, const StoredKey& key,
                          const KeySealer& sealer) {
  tx.exec_params(kInsertKey, key.kid, Base64UrlEncode(key.public_key),
                 sealer.Seal(key.kid, key.secret_key),
                 static_cast<long long>(key.activates_at.time_since_epoch().count()));
}

void AuthStore::RetireKey(pqxx::transaction_base& tx, const std::string& kid) {
  tx.exec_params(kRetireKey, kid);
}

}  // namespace livedrop::auth
