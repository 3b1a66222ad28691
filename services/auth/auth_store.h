#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth_logic.h"
#include "key_sealer.h"

namespace pqxx {
class transaction_base;
}

namespace livedrop::auth {

// The SQL of the auth schema (named constants in auth_store.cpp). Each method runs inside the
// caller's transaction, so the app composes several into one atomic step.
class AuthStore {
 public:
  // Returns the stored creation time, or nothing when the normalized email is taken.
  static std::optional<TimePoint> InsertUser(pqxx::transaction_base& tx, const UserRecord& user,
                                             const std::string& email_normalized);
  static std::optional<UserRecord> FindUserByEmail(pqxx::transaction_base& tx,
                                                   const std::string& email_normalized);
  static std::optional<UserRecord> FindUserById(pqxx::transaction_base& tx, const std::string& id);
  // The users among `ids` (UUIDs), in no particular order; unknown ids have no row.
  static std::vector<UserRecord> FindUsersByIds(pqxx::transaction_base& tx,
                                                const std::vector<std::string>& ids);

  static void InsertRefreshToken(pqxx::transaction_base& tx, const RefreshTokenRecord& token);
  // Locks the row (FOR UPDATE) so two concurrent refreshes of one token serialize.
  static std::optional<RefreshTokenRecord> LockRefreshToken(pqxx::transaction_base& tx,
                                                            const std::string& token_hash);
  static void MarkRefreshTokenUsed(pqxx::transaction_base& tx, const std::string& token_hash);
  static void RevokeFamily(pqxx::transaction_base& tx, const std::string& family_id);

  // Serializes key creation and rotation across instances (transaction-scoped advisory lock).
  static void LockKeys(pqxx::transaction_base& tx);
  // The keys not retired, the newest activation first.
  static std::vector<StoredKey> ActiveKeys(pqxx::transaction_base& tx, const KeySealer& sealer);
  // created_at is the database's now(); the secret is stored as `sealer` seals it.
  static void InsertKey(pqxx::transaction_base& tx, const StoredKey& key,
                        const KeySealer& sealer);
  // Stores the key's secret again as `sealer` seals it (plain rows encrypted once a
  // key-encryption key is configured).
  static void ResealKey(pqxx::transaction_base& tx, const StoredKey& key,
                        const KeySealer& sealer);
  static void RetireKey(pqxx::transaction_base& tx, const std::string& kid);
};

}  // namespace livedrop::auth
