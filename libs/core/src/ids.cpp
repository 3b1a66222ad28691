#include "livedrop/core/ids.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "livedrop/core/error.h"

namespace livedrop {
namespace {

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

void IdRandomBytes(void* out, std::size_t size) {
  constexpr std::size_t kPool = 4096;
  thread_local std::array<std::uint8_t, kPool> pool;
  thread_local std::size_t used = kPool;
  auto* to = static_cast<std::uint8_t*>(out);
  while (size > 0) {
    if (used == kPool) {
      SodiumReady();
      randombytes_buf(pool.data(), pool.size());
      used = 0;
    }
    const std::size_t n = std::min(size, kPool - used);
    std::memcpy(to, pool.data() + used, n);
    used += n;
    to += n;
    size -= n;
  }
}

std::string NewUuid() {
  std::array<std::uint8_t, 16> b;
  IdRandomBytes(b.data(), b.size());
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string Base64UrlEncode(std::string_view bytes) {
  SodiumReady();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the terminating NUL libsodium writes
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string& out) {
  SodiumReady();
  out.assign(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out.resize(len);
  return true;
}

void RequireUuid(const std::string& field, std::string_view value) {
  if (!IsUuid(value)) throw ValidationError(field, field + " must be a UUID");
}

}  // namespace livedrop
