#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace livedrop {

// A random (version 4) UUID in canonical lowercase form.
std::string NewUuid();

// Random bytes for identifiers (row ids, request and trace ids): libsodium's, drawn 4 KiB at a
// time per thread so that an id costs no system call (one getrandom per id showed in the
// gateway's profile). Not for secrets (keys, tokens, nonces): those take randombytes_buf.
void IdRandomBytes(void* out, std::size_t size);

// True for a canonical UUID string (any version); use before handing client input to SQL.
bool IsUuid(std::string_view text);

// Throws validation_failed naming `field` unless `value` is a UUID.
void RequireUuid(const std::string& field, std::string_view value);

// base64url without padding (RFC 4648 §5), as JWTs and opaque cursors use it.
std::string Base64UrlEncode(std::string_view bytes);
// Returns false on malformed input.
bool Base64UrlDecode(std::string_view text, std::string& out);

}  // namespace livedrop
