#include "clients/fake_drops.h"

namespace livedrop::orders {

DropTerms FakeDrops::GetDrop(const std::string& drop_id) {
  ++calls_;
  errors_.Next();
  const auto it = drops_.find(drop_id);
  if (it != drops_.end()) return it->second;
  // An id nobody put answers like a drop that exists with default terms, so tests about
  // caching need not set terms up; use a scripted not_found for an unknown drop.
  DropTerms terms;
  terms.id = drop_id;
  return terms;
}

}  // namespace livedrop::orders
