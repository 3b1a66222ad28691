#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace livedrop::http {

// A set of peer addresses given as "10.1.2.3", "::1" or IPv4 ranges "10.0.0.0/8" (a load
// balancer whose pods move, a container network): what trusted-proxy and exemption lists hold.
// Throws Error(kInvalidArgument, "config_invalid") for an entry that is neither.
class AddressList {
 public:
  AddressList() = default;
  explicit AddressList(const std::vector<std::string>& entries);

  bool Contains(const std::string& address) const;
  bool empty() const { return exact_.empty() && ranges_.empty(); }

 private:
  struct Range {
    std::uint32_t network;
    std::uint32_t mask;
  };
  std::vector<std::string> exact_;
  std::vector<Range> ranges_;
};

}  // namespace livedrop::http
