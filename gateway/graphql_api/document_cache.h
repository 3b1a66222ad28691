#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "graphql/engine.h"
#include "graphql_api/operation_request.h"
#include "livedrop/core/bounded_cache.h"

namespace livedrop::gateway {

// The documents this gateway has prepared (parsed, validated), by the SHA-256 of their text:
// a repeated query skips the parser and the validator, and a client may send only the hash
// (automatic persisted queries: extensions.persistedQuery.sha256Hash, as Apollo clients do).
// Bounded (least recently used out); thread-safe.
class DocumentCache {
 public:
  DocumentCache(std::shared_ptr<const graphql::Engine> engine, std::size_t capacity);

  // The prepared `query`; when `claimed_hash` is given it must be the query's SHA-256 (hex),
  // else the error names the mismatch.
  std::shared_ptr<const graphql::PreparedDocument> Prepare(
      std::string_view query, const std::optional<std::string>& claimed_hash = std::nullopt);
  // A document sent before, by its hash; null when this gateway does not know it (the client
  // then sends the query with the hash: PERSISTED_QUERY_NOT_FOUND).
  std::shared_ptr<const graphql::PreparedDocument> Find(const std::string& sha256_hex);

  // The document a request names: its query prepared, or (no query) the persisted one with
  // its hash, or a document holding the error PERSISTED_QUERY_NOT_FOUND.
  std::shared_ptr<const graphql::PreparedDocument> ForRequest(const OperationRequest& request);

  static std::string Sha256Hex(std::string_view text);

 private:
  std::shared_ptr<const graphql::Engine> engine_;
  std::mutex mutex_;
  BoundedCache<std::string, std::shared_ptr<const graphql::PreparedDocument>> documents_;
};

}  // namespace livedrop::gateway
