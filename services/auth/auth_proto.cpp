#include "auth_proto.h"

#include "livedrop/auth/jwt.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::auth {

v1::Role RoleToProto(const std::string& role) {
  if (role == "buyer") return v1::ROLE_BUYER;
  if (role == "creator") return v1::ROLE_CREATOR;
  if (role == "admin") return v1::ROLE_ADMIN;
  return v1::ROLE_UNSPECIFIED;
}

std::string RoleFromProto(v1::Role role) {
  switch (role) {
    case v1::ROLE_BUYER:
      return "buyer";
    case v1::ROLE_CREATOR:
      return "creator";
    case v1::ROLE_ADMIN:
      return "admin";
    default:
      return "";
  }
}

void ToProto(const User& user, v1::User& out) {
  out.set_id(user.id);
  out.set_email(user.email);
  out.set_display_name(user.display_name);
  out.set_role(RoleToProto(user.role));
  rpc::SetTimestamp(user.created_at, out.mutable_created_at());
}

User FromProto(const v1::User& user) {
  return User{user.id(), user.email(), user.display_name(), RoleFromProto(user.role()),
              rpc::FromTimestamp(user.created_at())};
}

void ToProto(const TokenPair& tokens, v1::TokenPair& out) {
  out.set_access_token(tokens.access_token);
  out.set_refresh_token(tokens.refresh_token);
  out.set_expires_in(tokens.expires_in.count());
  out.set_token_type("Bearer");
}

void ToProto(const PublicKey& key, v1::Jwk& out) {
  out.set_kty("OKP");
  out.set_crv("Ed25519");
  out.set_kid(key.kid);
  out.set_x(Base64UrlEncode(key.public_key));
  out.set_alg("EdDSA");
  out.set_use("sig");
}

std::string EncodeUserView(const User& user) {
  v1::User view;
  ToProto(user, view);
  return view.SerializeAsString();
}

std::optional<User> DecodeUserView(const std::string& bytes) {
  v1::User view;
  if (!view.ParseFromString(bytes)) return std::nullopt;
  return FromProto(view);
}

}  // namespace livedrop::auth
