#include "livedrop/http/address_list.h"

#include <arpa/inet.h>

#include <algorithm>

#include "livedrop/core/error.h"

namespace livedrop::http {
namespace {

bool ParseV4(const std::string& text, std::uint32_t& out) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  out = ntohl(a.s_addr);
  return true;
}

Error Invalid(const std::string& entry) {
  return Error(ErrorKind::kInvalidArgument, "config_invalid",
               "'" + entry + "' is not an IP address or an IPv4 range (a.b.c.d/n)");
}

}  // namespace

AddressList::AddressList(const std::vector<std::string>& entries) {
  for (const auto& entry : entries) {
    const auto slash = entry.find('/');
    if (slash == std::string::npos) {
      std::uint32_t v4 = 0;
      in6_addr v6{};
      if (!ParseV4(entry, v4) && inet_pton(AF_INET6, entry.c_str(), &v6) != 1) {
        throw Invalid(entry);
      }
      exact_.push_back(entry);
      continue;
    }
    std::uint32_t network = 0;
    const std::string bits_text = entry.substr(slash + 1);
    if (!ParseV4(entry.substr(0, slash), network) || bits_text.empty() || bits_text.size() > 2 ||
        !std::all_of(bits_text.begin(), bits_text.end(), ::isdigit)) {
      throw Invalid(entry);
    }
    const int bits = std::stoi(bits_text);
    if (bits > 32) throw Invalid(entry);
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    ranges_.push_back(Range{network & mask, mask});
  }
}

bool AddressList::Contains(const std::string& address) const {
  if (std::find(exact_.begin(), exact_.end(), address) != exact_.end()) return true;
  if (ranges_.empty()) return false;
  std::uint32_t v4 = 0;
  std::string text = address;
  if (text.rfind("::ffff:", 0) == 0) text = text.substr(7);  // an IPv4 peer on a v6 socket
  if (!ParseV4(text, v4)) return false;
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [v4](const Range& r) { return (v4 & r.mask) == r.network; });
}

}  // namespace livedrop::http
