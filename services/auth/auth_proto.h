#pragma once

#include <optional>
#include <string>

#include "auth_logic.h"
#include "livedrop/auth/v1/auth.pb.h"

namespace livedrop::auth {

struct PublicKey;

// Between the domain and livedrop.auth.v1 messages: for answers, the user_registered event and
// the cached user view.
v1::Role RoleToProto(const std::string& role);
// "buyer" | "creator" | "admin", or "" for ROLE_UNSPECIFIED and unknown values (which the
// registration rules then refuse).
std::string RoleFromProto(v1::Role role);

void ToProto(const User& user, v1::User& out);
User FromProto(const v1::User& user);
void ToProto(const TokenPair& tokens, v1::TokenPair& out);
// A public key as a JSON Web Key (OKP / Ed25519, for EdDSA signatures).
void ToProto(const PublicKey& key, v1::Jwk& out);

// The form a user view is cached in (ld:auth:user:<id>): a serialized v1::User.
std::string EncodeUserView(const User& user);
std::optional<User> DecodeUserView(const std::string& bytes);

}  // namespace livedrop::auth
