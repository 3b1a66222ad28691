#include "livedrop/grpc/tls.h"

#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <fstream>
#include <sstream>

#include "livedrop/core/error.h"

namespace livedrop::rpc {
namespace {

std::optional<TlsIdentity>& ProcessTlsStorage() {
  static std::optional<TlsIdentity> identity;
  return identity;
}

std::string ReadPem(const std::string& option, const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN") == std::string::npos) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "--" + option + ": cannot read a PEM file at '" + path + "'");
  }
  return text.str();
}

}  // namespace

std::optional<TlsIdentity> LoadTlsIdentity(const std::string& ca_file, const std::string& cert_file,
                                           const std::string& key_file) {
  const int given = !ca_file.empty() + !cert_file.empty() + !key_file.empty();
  if (given == 0) return std::nullopt;
  if (given != 3) {
    throw Error(ErrorKind::kInvalidArgument, "config_invalid",
                "--grpc-tls-ca, --grpc-tls-cert and --grpc-tls-key go together: give all three or none");
  }
  return TlsIdentity{ReadPem("grpc-tls-ca", ca_file), ReadPem("grpc-tls-cert", cert_file),
                     ReadPem("grpc-tls-key", key_file)};
}

void SetProcessTls(std::optional<TlsIdentity> identity) {
  ProcessTlsStorage() = std::move(identity);
}
const std::optional<TlsIdentity>& ProcessTls() { return ProcessTlsStorage(); }

std::shared_ptr<::grpc::ServerCredentials> MakeServerCredentials(
    const std::optional<TlsIdentity>& identity) {
  if (!identity) return ::grpc::InsecureServerCredentials();
  ::grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = identity->ca_pem;
  options.pem_key_cert_pairs.push_back({identity->key_pem, identity->cert_pem});
  return ::grpc::SslServerCredentials(options);
}

std::shared_ptr<::grpc::ChannelCredentials> MakeChannelCredentials(
    const std::optional<TlsIdentity>& identity) {
  if (!identity) return ::grpc::InsecureChannelCredentials();
  ::grpc::SslCredentialsOptions options;
  options.pem_root_certs = identity->ca_pem;
  options.pem_private_key = identity->key_pem;
  options.pem_cert_chain = identity->cert_pem;
  return ::grpc::SslCredentials(options);
}

std::string ServerNameOf(std::string_view service_full_name) {
  // "livedrop.<service>.v1.<Name>": the second segment names the binary.
  const auto first = service_full_name.find('.');
  const auto second = service_full_name.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) {
    return std::string(service_full_name);
  }
  return std::string(service_full_name.substr(0, first)) + "-" +
         std::string(service_full_name.substr(first + 1, second - first - 1));
}

std::string PeerName(const ::grpc::AuthContext& context) {
  if (!context.IsPeerAuthenticated()) return {};
  const auto names = context.FindPropertyValues("x509_common_name");
  if (names.empty()) return {};
  return std::string(names.front().data(), names.front().size());
}

}  // namespace livedrop::rpc
