#include "auth_logic.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "livedrop/core/error.h"

namespace livedrop::auth {
namespace {

constexpr std::array<std::string_view, 12> kCommonPasswords = {
    "password",   "password1", "password123", "12345678",   "123456789", "1234567890",
    "qwertyuiop", "qwerty123", "iloveyou",    "letmein123", "abc12345",  "11111111"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool HasControlCharacters(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Counts UTF-8 code points; assumes well-formed UTF-8 (protobuf strings are checked).
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

std::string NormalizeEmail(std::string_view email) {
  std::string out(Trim(email));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void ValidateEmail(std::string_view raw) {
  const std::string_view email = Trim(raw);
  if (email.empty()) throw ValidationError("email", "email is required");
  if (email.size() > kMaxEmailLength) {
    throw ValidationError("email", "email must be at most 254 characters");
  }
  const auto at = email.find('@');
  const bool malformed = at == std::string_view::npos || at == 0 || at > 64 ||
                         email.find('@', at + 1) != std::string_view::npos ||
                         HasControlCharacters(email) || email.find(' ') != std::string_view::npos;
  if (malformed) throw ValidationError("email", "email is not a valid address");
  const std::string_view domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    throw ValidationError("email", "email is not a valid address");
  }
}

void ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    throw ValidationError("password", "password must be at least 8 characters");
  }
  if (password.size() > kMaxPasswordLength) {
    throw ValidationError("password", "password must be at most 128 characters");
  }
  const bool has_letter = std::any_of(password.begin(), password.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
  });
  const bool has_other = std::any_of(password.begin(), password.end(), [](char c) {
    return !std::isalpha(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80;
  });
  const bool one_repeated_char =
      std::all_of(password.begin(), password.end(), [&](char c) { return c == password[0]; });
  std::string lowered(password);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool common = std::find(kCommonPasswords.begin(), kCommonPasswords.end(), lowered) !=
                      kCommonPasswords.end();
  if (!has_letter || !has_other || one_repeated_char || common) {
    throw ValidationError("password",
                          "password is too weak: mix letters with digits or symbols and avoid "
                          "common passwords");
  }
}

void ValidateDisplayName(std::string_view raw) {
  const std::string_view name = Trim(raw);
  if (name.empty()) throw ValidationError("display_name", "display_name is required");
  if (CodePoints(name) > kMaxDisplayNameLength) {
    throw ValidationError("display_name", "display_name must be at most 64 characters");
  }
  if (HasControlCharacters(name)) {
    throw ValidationError("display_name", "display_name must not contain control characters");
  }
}

void ValidateRegistrationRole(std::string_view role) {
  if (role != "buyer" && role != "creator") {
    throw ValidationError("role", "role must be 'buyer' or 'creator'");
  }
}

std::string Trimmed(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r\n";
  const auto first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return std::string(s.substr(first, s.find_last_not_of(kBlanks) - first + 1));
}

bool LoginPlausible(std::string_view email, std::string_view password) {
  return !email.empty() && !password.empty() && password.size() <= kMaxPasswordLength &&
         email.size() <= kMaxEmailLength;
}

bool RefreshTokenPlausible(std::string_view token) {
  return !token.empty() && token.size() <= kMaxRefreshTokenLength;
}

RefreshVerdict JudgeRefreshToken(const std::optional<RefreshTokenRecord>& token, TimePoint now) {
  if (!token || token->revoked || token->expires_at < now) return RefreshVerdict::kInvalid;
  if (token->used) return RefreshVerdict::kReused;
  return RefreshVerdict::kRotate;
}

Error InvalidCredentials() {
  return Error(ErrorKind::kUnauthenticated, "invalid_credentials", "email or password is wrong");
}

Error InvalidRefreshToken() {
  return Error(ErrorKind::kUnauthenticated, "refresh_token_invalid",
               "refresh token is invalid, expired or revoked");
}

Error RefreshTokenReused() {
  return Error(ErrorKind::kUnauthenticated, "refresh_token_reused",
               "refresh token was already used; every session of this login is revoked");
}

Error EmailTaken() {
  return Error(ErrorKind::kAlreadyExists, "email_taken", "an account with this email exists");
}

}  // namespace livedrop::auth
