#include "drop_catalog.h"

#include "clients/drops_port.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::orders {

DropCatalog::DropCatalog(DropsPort& drops, std::chrono::milliseconds ttl,
                         std::chrono::milliseconds sold_out_memory, std::size_t max_drops)
    : drops_(drops),
      ttl_(ttl),
      sold_out_memory_(sold_out_memory),
      terms_(max_drops, metrics::CacheEvictionCounter("drop_terms")),
      sold_out_(max_drops, metrics::CacheEvictionCounter("sold_out")) {}

DropTerms DropCatalog::Get(const std::string& drop_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (const DropTerms* known = terms_.Find(drop_id, now)) return *known;
  }
  auto terms = drops_.GetDrop(drop_id);
  std::lock_guard lock(mutex_);
  terms_.Put(drop_id, terms, now + ttl_);
  return terms;
}

void DropCatalog::RememberSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  sold_out_.Put(drop_id, true, std::chrono::steady_clock::now() + sold_out_memory_);
}

void DropCatalog::ForgetSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  sold_out_.Erase(drop_id);
}

bool DropCatalog::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  return sold_out_.Find(drop_id) != nullptr;
}

}  // namespace livedrop::orders
