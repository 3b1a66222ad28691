#include "livedrop/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <stdexcept>

namespace livedrop::s3 {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values are signed trimmed, with runs of spaces inside squeezed to one.
std::string TrimAll(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

Pairs SortedHeaders(const Pairs& headers) {
  Pairs out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) out.emplace_back(Lower(name), TrimAll(value));
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Repeated names are signed once, values joined by commas in their order.
  Pairs merged;
  for (auto& [name, value] : out) {
    if (!merged.empty() && merged.back().first == name) {
      merged.back().second += "," + value;
    } else {
      merged.emplace_back(std::move(name), std::move(value));
    }
  }
  return merged;
}

std::string DateOf(std::string_view amz_date) { return std::string(amz_date.substr(0, 8)); }

std::string CredentialScope(std::string_view amz_date, const Scope& scope) {
  return DateOf(amz_date) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

}  // namespace

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[17];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string CanonicalQuery(const Pairs& query) {
  Pairs encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string SignedHeaderNames(const Pairs& headers) {
  std::string out;
  for (const auto& [name, value] : SortedHeaders(headers)) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string CanonicalRequest(const SignInput& input) {
  std::string out = input.method + "\n" + UriEncode(input.path, true) + "\n" +
                    CanonicalQuery(input.query) + "\n";
  for (const auto& [name, value] : SortedHeaders(input.headers)) {
    out += name + ":" + value + "\n";
  }
  out += "\n" + SignedHeaderNames(input.headers) + "\n" + input.payload_sha256;
  return out;
}

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" +
         CredentialScope(amz_date, scope) + "\n" + Sha256Hex(canonical_request);
}

std::string Signature(const Credentials& credentials, const Scope& scope,
                      std::string_view amz_date, std::string_view string_to_sign) {
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, DateOf(amz_date));
  key = HmacSha256(key, scope.region);
  key = HmacSha256(key, scope.service);
  key = HmacSha256(key, "aws4_request");
  return Hex(HmacSha256(key, string_to_sign));
}

std::string AuthorizationHeader(const Credentials& credentials, const Scope& scope,
                                std::string_view amz_date, const SignInput& input) {
  std::string to_sign = StringToSign(amz_date, scope, CanonicalRequest(input));
  return std::string(kAlgorithm) + " Credential=" + credentials.access_key_id + "/" +
         CredentialScope(amz_date, scope) + ", SignedHeaders=" + SignedHeaderNames(input.headers) +
         ", Signature=" + Signature(credentials, scope, amz_date, to_sign);
}

std::string PresignUrl(const Credentials& credentials, const Scope& scope,
                       std::string_view origin, std::chrono::system_clock::time_point now,
                       std::chrono::seconds expires, SignInput input) {
  std::string amz_date = AmzDate(now);
  input.payload_sha256 = "UNSIGNED-PAYLOAD";
  input.query.emplace_back("X-Amz-Algorithm", std::string(kAlgorithm));
  input.query.emplace_back("X-Amz-Credential",
                           credentials.access_key_id + "/" + CredentialScope(amz_date, scope));
  input.query.emplace_back("X-Amz-Date", amz_date);
  input.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  input.query.emplace_back("X-Amz-SignedHeaders", SignedHeaderNames(input.headers));
  std::string to_sign = StringToSign(amz_date, scope, CanonicalRequest(input));
  // The signature sorted in with the rest, as the AWS SDKs write it (the order is free).
  input.query.emplace_back("X-Amz-Signature", Signature(credentials, scope, amz_date, to_sign));
  return std::string(origin) + UriEncode(input.path, true) + "?" + CanonicalQuery(input.query);
}

}  // namespace livedrop::s3
