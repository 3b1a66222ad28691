#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "livedrop/s3/sigv4.h"

namespace livedrop::s3 {

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string content_type;
  std::string etag;
};

// What a service needs from a bucket: the seam between its use cases and S3 (a real store in
// every test that is about storage; a fake where a test is about something else). Calls block:
// callers run them on a worker pool, never on an I/O or gRPC callback thread. Failures throw
// livedrop::Error: kUnavailable ("object_store_unavailable") when the store cannot be reached
// or answers 5xx, kInternal for any other refusal.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // A URL a client may PUT exactly `content_length` bytes of `content_type` to, until `expires`
  // from `now`; the store refuses another type, length or a late upload.
  virtual std::string PresignPut(const std::string& key, const std::string& content_type,
                                 std::uint64_t content_length, std::chrono::seconds expires,
                                 std::chrono::system_clock::time_point now) const = 0;
  virtual void Put(const std::string& key, const std::string& body,
                   const std::string& content_type, const Pairs& headers = {}) = 0;
  // The object's bytes, nullopt when there is none; more than `max_bytes`: nullopt too, and
  // `too_large` set (a caller that has a limit never buffers past it).
  virtual std::optional<std::string> Get(const std::string& key, std::uint64_t max_bytes,
                                         bool* too_large = nullptr) = 0;
  virtual std::optional<ObjectInfo> Head(const std::string& key) = 0;
  // Idempotent: deleting what is not there succeeds.
  virtual void Delete(const std::string& key) = 0;
};

struct S3Config {
  std::string endpoint;         // how this process reaches the store: http(s)://host[:port]
  std::string public_endpoint;  // the origin presigned URLs name (clients'); empty = endpoint
  std::string region = "us-east-1";
  std::string bucket;
  Credentials credentials;
  std::chrono::seconds timeout{10};
};

// ObjectStore over the S3 REST API: path-style addressing (endpoint/bucket/key, what MinIO,
// s3rver and S3 all accept), SigV4 headers with the payload's SHA-256, HTTP or HTTPS (OpenSSL,
// peer verified against the system's CAs). One connection per call.
class S3ObjectStore final : public ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config);

  std::string PresignPut(const std::string& key, const std::string& content_type,
                         std::uint64_t content_length, std::chrono::seconds expires,
                         std::chrono::system_clock::time_point now) const override;
  // A GET URL (for a private object; public variants are served through the CDN instead).
  std::string PresignGet(const std::string& key, std::chrono::seconds expires,
                         std::chrono::system_clock::time_point now) const;
  void Put(const std::string& key, const std::string& body, const std::string& content_type,
           const Pairs& headers = {}) override;
  std::optional<std::string> Get(const std::string& key, std::uint64_t max_bytes,
                                 bool* too_large = nullptr) override;
  std::optional<ObjectInfo> Head(const std::string& key) override;
  void Delete(const std::string& key) override;
  // PUT bucket; an existing bucket of ours is fine (dev and test stores start empty).
  void EnsureBucket();

  const S3Config& config() const { return config_; }

 private:
  S3Config config_;
};

}  // namespace livedrop::s3
