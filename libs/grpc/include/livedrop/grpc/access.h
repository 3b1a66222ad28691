#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace grpc {
class AuthMetadataProcessor;
}

namespace livedrop::rpc {

// Which callers — certificate names, e.g. "livedrop-gateway", "livedrop-orders" — may call
// which methods of a server: declared by each service next to its wiring (main.cpp) and
// enforced for every call before its handler runs (over mutual TLS; see tls.h). A call of a
// method nobody declared, or by a caller not listed for it, gets PERMISSION_DENIED. Health
// and reflection answer every peer with a certificate from the CA.
class AccessPolicy {
 public:
  // `callers` may call each of `methods` of the generated service `Service`:
  //   access.Allow<orders::v1::OrdersService>({"PlaceOrder", "GetOrder"}, {kGatewayIdentity});
  // A method the service does not define is a programming error: Error(kInternal).
  template <class Service>
  AccessPolicy& Allow(std::initializer_list<std::string_view> methods,
                      std::initializer_list<std::string_view> callers) {
    for (const auto method : methods) Allow(Service::service_full_name(), method, callers);
    return *this;
  }
  AccessPolicy& Allow(std::string_view service, std::string_view method,
                      std::initializer_list<std::string_view> callers);
  // Every rule of `other` as well.
  AccessPolicy& Merge(const AccessPolicy& other);

  // `path` is the gRPC path, "/livedrop.orders.v1.OrdersService/PlaceOrder".
  bool Allows(std::string_view path, std::string_view caller) const;
  bool empty() const { return callers_.empty(); }

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> callers_;  // by path
};

// The check run for every call on a TLS server: the caller's certificate name against
// `policy` (an empty policy allows every peer of the CA), and end-user metadata
// (kUserIdHeader, kUserRoleHeader) only from kGatewayIdentity.
std::shared_ptr<::grpc::AuthMetadataProcessor> MakeAccessCheck(AccessPolicy policy);

}  // namespace livedrop::rpc
