#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace grpc {
class AuthContext;
class ChannelCredentials;
class ServerCredentials;
}  // namespace grpc

namespace livedrop::rpc {

// Mutual TLS between the services. Every process has one identity: a certificate signed by
// the one CA (dev: scripts/dev-certs; prod: cert-manager, docs/DEPLOY.md) whose CN — and SAN
// DNS name — is its service name ("livedrop-orders", "livedrop-gateway"). Servers require and
// verify a client certificate from the CA; clients present theirs and check that the server's
// certificate names the service they meant to call, also when they dial 127.0.0.1.
struct TlsIdentity {
  std::string ca_pem;    // the CA that signs every peer this process accepts
  std::string cert_pem;  // this process's certificate
  std::string key_pem;   // and its private key
};

// Reads the three PEM files (--grpc-tls-ca, --grpc-tls-cert, --grpc-tls-key). All three empty: nullopt
// (plaintext, local development only); some but not all, or a file that cannot be read:
// Error(kInvalidArgument, "config_invalid").
std::optional<TlsIdentity> LoadTlsIdentity(const std::string& ca_file, const std::string& cert_file,
                                           const std::string& key_file);

// The identity MakeChannel uses unless its ChannelPolicy names one: set once at start-up
// (ServiceMain, the gateway's main). Unset: plaintext channels.
void SetProcessTls(std::optional<TlsIdentity> identity);
const std::optional<TlsIdentity>& ProcessTls();

// Credentials for one identity; nullopt gives insecure (plaintext) credentials.
std::shared_ptr<::grpc::ServerCredentials> MakeServerCredentials(
    const std::optional<TlsIdentity>& identity);
std::shared_ptr<::grpc::ChannelCredentials> MakeChannelCredentials(
    const std::optional<TlsIdentity>& identity);

// The certificate name of the server of a proto service:
// "livedrop.orders.v1.OrdersService" -> "livedrop-orders".
std::string ServerNameOf(std::string_view service_full_name);

// The verified certificate name (CN) of the peer; empty on a plaintext connection.
std::string PeerName(const ::grpc::AuthContext& context);

// The one identity that may act for an end user (call metadata kUserIdHeader/kUserRoleHeader).
inline constexpr char kGatewayIdentity[] = "livedrop-gateway";

}  // namespace livedrop::rpc
