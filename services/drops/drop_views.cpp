#include "drop_views.h"

#include <pqxx/pqxx>

#include "drops_events.h"
#include "livedrop/pg/pool.h"

namespace livedrop::drops {
namespace {

std::string DropKey(const std::string& id) { return "ld:drops:drop:" + id; }
std::string ProductKey(const std::string& id) { return "ld:drops:product:" + id; }

// Products never change once created.
constexpr std::int64_t kProductVersion = 1;

}  // namespace

DropViews::DropViews(pg::Pool& pool, redis::VersionedCache drops, redis::VersionedCache products)
    : pool_(pool), drops_(std::move(drops)), products_(std::move(products)) {}

std::optional<v1::Drop> DropViews::Drop(const std::string& id) {
  if (const auto cached = drops_.Get(DropKey(id))) {
    v1::Drop drop;
    if (drop.ParseFromString(*cached)) return drop;
  }
  const auto row = pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindDrop(tx, id); });
  if (!row) return std::nullopt;
  v1::Drop drop;
  ToProto(*row, nullptr, drop);
  drops_.PutIfNewer(DropKey(id), row->version, drop.SerializeAsString());
  return drop;
}

std::optional<v1::Product> DropViews::Product(const std::string& id) {
  if (const auto cached = products_.Get(ProductKey(id))) {
    v1::Product product;
    if (product.ParseFromString(*cached)) return product;
  }
  const auto row = pool_.Transact([&](pqxx::work& tx) { return DropsStore::FindProduct(tx, id); });
  if (!row) return std::nullopt;
  v1::Product product;
  ToProto(*row, product);
  products_.PutIfNewer(ProductKey(id), kProductVersion, product.SerializeAsString());
  return product;
}

void DropViews::Refresh(const DropRow& row) {
  v1::Drop drop;
  ToProto(row, nullptr, drop);
  drops_.PutIfNewer(DropKey(row.id), row.version, drop.SerializeAsString());
}

}  // namespace livedrop::drops
