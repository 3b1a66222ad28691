#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "livedrop/core/error.h"
#include "livedrop/core/time.h"

// Account rules with no I/O: what a valid registration looks like, which sign-in inputs are
// worth a database read, what a presented refresh token means; and the rows they speak of.
namespace livedrop::auth {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;
inline constexpr std::size_t kMaxDisplayNameLength = 64;
inline constexpr std::size_t kMaxRefreshTokenLength = 256;

// A user as others may see them. `role` is "buyer" | "creator" | "admin", as stored and as
// access tokens carry it.
struct User {
  std::string id;
  std::string email;
  std::string display_name;
  std::string role;
  TimePoint created_at;
};

struct UserRecord {
  User user;
  std::string password_hash;
};

struct RefreshTokenRecord {
  std::string token_hash;
  std::string family_id;
  std::string user_id;
  TimePoint expires_at;
  bool used = false;
  bool revoked = false;
};

// What a successful sign-in (register, login, refresh) hands out.
struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::chrono::seconds expires_in{0};  // until the access token expires
};

struct Session {
  User user;
  TokenPair tokens;
};

// A registration as asked for; `role` as RoleFromProto names it ("" when unrecognised).
struct Registration {
  std::string email;
  std::string password;
  std::string display_name;
  std::string role;
};

struct StoredKey {
  std::string kid;
  std::string public_key;  // raw bytes
  std::string secret_key;  // raw bytes
  TimePoint created_at;
  TimePoint activates_at;  // signs from then on (key_schedule.h); published from created_at
  bool stored_plain = false;  // its secret is in the database unencrypted (key_sealer.h)
};

// Trimmed and lower-cased: the form uniqueness is checked on.
std::string NormalizeEmail(std::string_view email);
// Without leading and trailing blanks (space, tab, CR, LF): the form an email or a display
// name is stored in.
std::string Trimmed(std::string_view s);

// Each throws livedrop::Error(kInvalidArgument, "validation_failed") naming the field.
void ValidateEmail(std::string_view email);
void ValidatePassword(std::string_view password);
void ValidateDisplayName(std::string_view display_name);

// "buyer" | "creator" from a registration; admins are never self-registered.
void ValidateRegistrationRole(std::string_view role);

// False for input no account can match (empty or longer than any valid email or password):
// answered as invalid credentials without a database read or a hash.
bool LoginPlausible(std::string_view email, std::string_view password);
// False for a refresh token that cannot be one of ours (empty or oversized).
bool RefreshTokenPlausible(std::string_view token);

enum class RefreshVerdict {
  kRotate,   // valid and unused: mark it used and issue the next of its family
  kInvalid,  // unknown, expired or revoked
  kReused,   // already rotated: someone holds a copy, so the whole family is revoked
};
RefreshVerdict JudgeRefreshToken(const std::optional<RefreshTokenRecord>& token, TimePoint now);

// The refusals of sign-in. One message whether or not the email exists.
Error InvalidCredentials();
Error InvalidRefreshToken();
Error RefreshTokenReused();
Error EmailTaken();

}  // namespace livedrop::auth
