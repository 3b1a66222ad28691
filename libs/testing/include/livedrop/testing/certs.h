#pragma once

#include <map>
#include <memory>
#include <string>

#include "livedrop/grpc/tls.h"

namespace livedrop::testing {

// The certificates tests run with: a dev CA and a certificate per service and the gateway
// (scripts/dev-certs: CN and SAN DNS = the service name), made once per build directory
// (<build>/test-certs) and reused by every test after it, since making keys takes a while.
std::string CertsDir();
// The same names signed by another CA (<build>/test-certs-other-ca): what every server must
// refuse.
std::string OtherCaCertsDir();

// The identity `name` ("livedrop-orders") has in `dir`.
rpc::TlsIdentity TlsIdentityOf(const std::string& name, const std::string& dir = CertsDir());
std::shared_ptr<const rpc::TlsIdentity> TlsIdentityPtr(const std::string& name,
                                                       const std::string& dir = CertsDir());

// LIVEDROP_GRPC_TLS_CA/CERT/KEY for a binary running as `name` (its certificate in CertsDir()).
std::map<std::string, std::string> TlsEnv(const std::string& name);

}  // namespace livedrop::testing
