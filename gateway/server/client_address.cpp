#include "server/client_address.h"

#include <algorithm>

namespace livedrop::gateway {
namespace {

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

}  // namespace

std::string ClientAddress(const http::Request& request, const http::AddressList& trusted_proxies) {
  std::string address = request.remote_address;
  if (!trusted_proxies.Contains(address)) return address;
  // Every X-Forwarded-For field, in order, as one list; read from the right.
  std::vector<std::string> hops;
  for (const auto& [name, value] : request.headers.fields()) {
    if (name.size() != 15 || !std::equal(name.begin(), name.end(), "x-forwarded-for",
                                         [](char a, char b) { return std::tolower(a) == b; })) {
      continue;
    }
    std::size_t start = 0;
    while (start <= value.size()) {
      auto end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      hops.push_back(Trim(value.substr(start, end - start)));
      start = end + 1;
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (it->empty() || it->size() > 64) break;  // garbage: keep the last good address
    address = *it;
    if (!trusted_proxies.Contains(address)) break;
  }
  return address;
}

}  // namespace livedrop::gateway
