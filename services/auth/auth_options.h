#pragma once

#include <chrono>
#include <string>

#include "passwords.h"
#include "token_issuer.h"

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::auth {

// Every setting of livedrop-auth. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed AuthOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct AuthOptions {
  // --token-issuer, --token-audience, --access-token-ttl, --refresh-token-ttl, --key-rotation,
  // --key-publish-lead, --key-reload
  TokenOptions tokens;

  PasswordHashCost password_hash = PasswordHashCost::Interactive();
  int password_hash_concurrency = 2;  // hashes computed at once
  PasswordHashQueue password_hash_queue;  // how many wait for them, and how long

  std::string redis_url;  // the user-view cache; empty: none
  // Users never change after sign-up yet, so this only bounds what Redis keeps.
  std::chrono::milliseconds user_cache_ttl = std::chrono::hours(1);

  static void Declare(config::Spec& spec);
  static AuthOptions From(const config::Config& cfg);
};

}  // namespace livedrop::auth
