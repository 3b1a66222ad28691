#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

#include "livedrop/grpc/access.h"
#include "livedrop/grpc/tls.h"

namespace grpc {
class Service;
}
namespace livedrop::rpc {
class ServerRunner;
}

namespace livedrop::testing {

struct InProcessServerOptions {
  std::string name = "livedrop-test";  // the ErrorInfo domain its errors carry
  int threads = 4;
  std::chrono::milliseconds drain{1000};
  std::optional<rpc::TlsIdentity> tls;  // mutual TLS (testing/certs.h); unset: plaintext
  rpc::AccessPolicy access;             // checked with tls; empty: every peer of the CA
};

// A gRPC server on 127.0.0.1:0 in the test process, serving fakes (or a real handler class)
// through the same ServerRunner the services use; shut down with this object. The services
// are not owned and must outlive it.
class InProcessServer {
 public:
  explicit InProcessServer(::grpc::Service* service, InProcessServerOptions options = {});
  InProcessServer(std::initializer_list<::grpc::Service*> services,
                  InProcessServerOptions options = {});
  ~InProcessServer();
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  int Port() const;
  std::string Address() const;  // "127.0.0.1:<port>"

 private:
  std::unique_ptr<rpc::ServerRunner> runner_;
};

}  // namespace livedrop::testing
