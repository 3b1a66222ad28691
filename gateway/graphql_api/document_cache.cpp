#include "graphql_api/document_cache.h"

#include <sodium.h>

#include "livedrop/metrics/registry.h"

namespace livedrop::gateway {

DocumentCache::DocumentCache(std::shared_ptr<const graphql::Engine> engine, std::size_t capacity)
    : engine_(std::move(engine)),
      documents_(capacity, metrics::CacheEvictionCounter("graphql_documents")) {}

std::string DocumentCache::Sha256Hex(std::string_view text) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

std::shared_ptr<const graphql::PreparedDocument> DocumentCache::Find(
    const std::string& sha256_hex) {
  std::lock_guard lock(mutex_);
  const auto* found = documents_.Find(sha256_hex);
  return found ? *found : nullptr;
}

std::shared_ptr<const graphql::PreparedDocument> DocumentCache::Prepare(
    std::string_view query, const std::optional<std::string>& claimed_hash) {
  const std::string hash = Sha256Hex(query);
  if (claimed_hash && *claimed_hash != hash) {
    auto mismatch = std::make_shared<graphql::PreparedDocument>();
    mismatch->errors.push_back(graphql::GraphQLError{
        "provided sha256Hash does not match the query", {}, {}, "PERSISTED_QUERY_HASH_MISMATCH"});
    return mismatch;
  }
  if (auto known = Find(hash)) return known;
  auto prepared = engine_->Prepare(query);  // outside the lock: parsing is the slow part
  std::lock_guard lock(mutex_);
  documents_.Put(hash, prepared);
  return prepared;
}

std::shared_ptr<const graphql::PreparedDocument> DocumentCache::ForRequest(
    const OperationRequest& request) {
  if (!request.query.empty()) return Prepare(request.query, request.persisted_hash);
  if (auto known = Find(*request.persisted_hash)) return known;
  auto unknown = std::make_shared<graphql::PreparedDocument>();
  unknown->errors.push_back(
      graphql::GraphQLError{"PersistedQueryNotFound", {}, {}, "PERSISTED_QUERY_NOT_FOUND"});
  return unknown;
}

}  // namespace livedrop::gateway
