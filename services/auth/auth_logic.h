#pragma once

#include <string>
#include <string_view>

// Account rules with no I/O: what a valid registration looks like.
namespace livedrop::auth {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;
inline constexpr std::size_t kMaxDisplayNameLength = 64;

// Trimmed and lower-cased: the form uniqueness is checked on.
std::string NormalizeEmail(std::string_view email);

// Each throws livedrop::Error(kInvalidArgument, "validation_failed") naming the field.
void ValidateEmail(std::string_view email);
void ValidatePassword(std::string_view password);
void ValidateDisplayName(std::string_view display_name);

// "buyer" | "creator" from a registration; admins are never self-registered.
void ValidateRegistrationRole(std::string_view role);

}  // namespace livedrop::auth
