#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html)
// over OpenSSL: the Authorization header of a request and presigned URLs. Paths are encoded the
// way S3 wants them (each byte once, '/' kept, no dot-segment normalisation), which is also
// what the generic test suite expects for paths without '.', '..' or repeated slashes.
namespace livedrop::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

// Where a signature is valid: the region and service of the credential scope.
struct Scope {
  std::string region;
  std::string service = "s3";
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

// A request as signed: the raw path (not yet percent-encoded), the raw query parameters, the
// headers to sign (any case; the host header must be among them) and the payload's SHA-256 in
// hex (or "UNSIGNED-PAYLOAD").
struct SignInput {
  std::string method;
  std::string path = "/";
  Pairs query;
  Pairs headers;
  std::string payload_sha256;
};

// 20150830T123600Z
std::string AmzDate(std::chrono::system_clock::time_point time);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters kept, the rest %XX
// (upper case); '/' kept when `keep_slash`.
std::string UriEncode(std::string_view text, bool keep_slash);
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string Hex(std::string_view bytes);

// The pieces, public so that tests can pin each one against the published vectors.
std::string CanonicalQuery(const Pairs& query);
std::string SignedHeaderNames(const Pairs& headers);  // "host;x-amz-date"
std::string CanonicalRequest(const SignInput& input);
std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request);
std::string Signature(const Credentials& credentials, const Scope& scope,
                      std::string_view amz_date, std::string_view string_to_sign);

// "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…". `input.headers` must hold
// x-amz-date = amz_date (and, for S3, x-amz-content-sha256) already.
std::string AuthorizationHeader(const Credentials& credentials, const Scope& scope,
                                std::string_view amz_date, const SignInput& input);

// A presigned URL (query-string authentication). `input.headers` are the headers the holder
// of the URL must send exactly as signed (host always; for an upload also content-type and
// content-length); `input.query` extra parameters. `origin` is "http(s)://host[:port]" and must
// name the same host as the host header. The payload is UNSIGNED-PAYLOAD, as for S3.
std::string PresignUrl(const Credentials& credentials, const Scope& scope,
                       std::string_view origin, std::chrono::system_clock::time_point now,
                       std::chrono::seconds expires, SignInput input);

}  // namespace livedrop::s3
