#include "livedrop/log/redact.h"

#include <array>
#include <cctype>

namespace livedrop::log {
namespace {

constexpr std::array<std::string_view, 5> kSecretParams = {"access_token", "refresh_token",
                                                           "id_token", "token", "password"};
constexpr std::string_view kRedacted = "[redacted]";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The parameter's name as a server decodes it ("access%5Ftoken" and "ACCESS_TOKEN" are
// access_token), lower-cased.
std::string DecodedName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '%' && i + 2 < name.size()) {
      const int hi = HexValue(name[i + 1]);
      const int lo = HexValue(name[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    } else if (c == '+') {
      c = ' ';
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool IsSecret(std::string_view name) {
  const std::string decoded = DecodedName(name);
  for (const auto secret : kSecretParams) {
    if (decoded == secret) return true;
  }
  return false;
}

}  // namespace

std::string RedactTarget(std::string_view target) {
  const auto query_at = target.find('?');
  if (query_at == std::string_view::npos) return std::string(target);
  const auto fragment_at = target.find('#', query_at);
  const std::string_view query = target.substr(query_at + 1, fragment_at == std::string_view::npos
                                                                 ? std::string_view::npos
                                                                 : fragment_at - query_at - 1);
  std::string out(target.substr(0, query_at + 1));
  out.reserve(target.size());
  std::size_t start = 0;
  while (start <= query.size()) {
    auto end = query.find_first_of("&;", start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    const auto eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    if (eq != std::string_view::npos && IsSecret(name)) {
      out.append(name).append("=").append(kRedacted);
    } else {
      out.append(param);
    }
    if (end < query.size()) out.push_back(query[end]);
    start = end + 1;
  }
  if (fragment_at != std::string_view::npos) out.append(target.substr(fragment_at));
  return out;
}

}  // namespace livedrop::log
