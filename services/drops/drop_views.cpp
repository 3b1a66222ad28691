#include "drop_views.h"

#include "drops_proto.h"

namespace livedrop::drops {
namespace {

std::string DropKey(const std::string& id) { return "ld:drops:drop:" + id; }
std::string ProductKey(const std::string& id) { return "ld:drops:product:" + id; }

}  // namespace

DropViews::DropViews(redis::VersionedCache drops, redis::VersionedCache products)
    : drops_(std::move(drops)), products_(std::move(products)) {}

std::optional<v1::Drop> DropViews::Drop(const std::string& id) {
  if (const auto cached = drops_.Get(DropKey(id))) {
    v1::Drop drop;
    if (drop.ParseFromString(*cached)) return drop;
  }
  return std::nullopt;
}

std::optional<v1::Product> DropViews::Product(const std::string& id) {
  if (const auto cached = products_.Get(ProductKey(id))) {
    v1::Product product;
    if (product.ParseFromString(*cached)) return product;
  }
  return std::nullopt;
}

void DropViews::Put(const DropRow& row) {
  v1::Drop drop;
  ToProto(row, nullptr, drop);
  drops_.PutIfNewer(DropKey(row.id), row.version, drop.SerializeAsString());
}

void DropViews::Put(const ProductRow& row) {
  v1::Product product;
  ToProto(row, product);
  products_.PutIfNewer(ProductKey(row.id), row.version, product.SerializeAsString());
}

}  // namespace livedrop::drops
