#include "stock_cache.h"

#include "inventory_proto.h"

namespace livedrop::inventory {
namespace {

std::string Key(const std::string& drop_id) { return "ld:inventory:stock:" + drop_id; }

}  // namespace

std::optional<StockRow> StockCache::Get(const std::string& drop_id) {
  const auto cached = cache_.Get(Key(drop_id));
  if (!cached) return std::nullopt;
  v1::Stock view;
  if (!view.ParseFromString(*cached) || view.drop_id() != drop_id) return std::nullopt;
  return FromProto(view);
}

void StockCache::Put(const StockRow& stock) {
  v1::Stock view;
  ToProto(stock, view);
  cache_.PutIfNewer(Key(stock.drop_id), stock.version, view.SerializeAsString());
}

}  // namespace livedrop::inventory
