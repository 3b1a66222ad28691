#include "livedrop/testing/certs.h"

#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>

namespace livedrop::testing {
namespace {

// Runs scripts/dev-certs for `dir` once per process (the script itself locks the directory
// against other test processes and only makes what is missing).
const std::string& Ensure(const std::string& dir) {
  static std::mutex mutex;
  static std::set<std::string> done;
  std::lock_guard lock(mutex);
  if (!done.contains(dir)) {
    const std::string command = std::string("'") + LIVEDROP_DEV_CERTS_SCRIPT + "' '" + dir + "'";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("cannot make test certificates: " + command);
    }
    done.insert(dir);
  }
  return *done.find(dir);
}

}  // namespace

std::string CertsDir() { return Ensure(LIVEDROP_TEST_CERTS_DIR); }

std::string OtherCaCertsDir() { return Ensure(std::string(LIVEDROP_TEST_CERTS_DIR) + "-other-ca"); }

rpc::TlsIdentity TlsIdentityOf(const std::string& name, const std::string& dir) {
  return *rpc::LoadTlsIdentity(dir + "/ca.pem", dir + "/" + name + ".pem",
                               dir + "/" + name + ".key");
}

std::shared_ptr<const rpc::TlsIdentity> TlsIdentityPtr(const std::string& name,
                                                       const std::string& dir) {
  return std::make_shared<const rpc::TlsIdentity>(TlsIdentityOf(name, dir));
}

std::map<std::string, std::string> TlsEnv(const std::string& name) {
  const std::string dir = CertsDir();
  return {{"LIVEDROP_GRPC_TLS_CA", dir + "/ca.pem"},
          {"LIVEDROP_GRPC_TLS_CERT", dir + "/" + name + ".pem"},
          {"LIVEDROP_GRPC_TLS_KEY", dir + "/" + name + ".key"}};
}

}  // namespace livedrop::testing
