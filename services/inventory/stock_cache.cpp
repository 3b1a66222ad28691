#include "stock_cache.h"

#include "livedrop/inventory/v1/inventory.pb.h"

namespace livedrop::inventory {
namespace {

std::string Key(const std::string& drop_id) { return "ld:inventory:stock:" + drop_id; }

}  // namespace

std::optional<StockRow> StockCache::Get(const std::string& drop_id) {
  const auto cached = cache_.Get(Key(drop_id));
  if (!cached) return std::nullopt;
  v1::Stock view;
  if (!view.ParseFromString(*cached) || view.drop_id() != drop_id) return std::nullopt;
  StockRow row;
  row.drop_id = view.drop_id();
  row.total = view.total();
  row.available = view.available();
  row.reserved = view.reserved();
  row.sold = view.sold();
  row.per_buyer_limit = view.per_buyer_limit();
  row.version = view.version();
  return row;
}

void StockCache::Put(const StockRow& stock) {
  v1::Stock view;
  view.set_drop_id(stock.drop_id);
  view.set_total(stock.total);
  view.set_available(stock.available);
  view.set_reserved(stock.reserved);
  view.set_sold(stock.sold);
  view.set_per_buyer_limit(stock.per_buyer_limit);
  view.set_version(stock.version);
  cache_.PutIfNewer(Key(stock.drop_id), stock.version, view.SerializeAsString());
}

}  // namespace livedrop::inventory
