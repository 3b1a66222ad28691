#include "inventory_events.h"

#include <string>

#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/service/events.h"

namespace livedrop::inventory {
namespace {

// A batch's events carry the trace of the call whose thread ran the batch.
void Enqueue(pqxx::transaction_base& tx, const char* type, const std::string& drop_id,
             const google::protobuf::Message& payload) {
  service::EnqueueEvent(tx, topics::kInventory, type, drop_id, payload);
}

}  // namespace

void EmitSoldOut(pqxx::transaction_base& tx, const StockRow& stock) {
  v1::SoldOut e;
  e.set_drop_id(stock.drop_id);
  Enqueue(tx, event_types::kSoldOut, stock.drop_id, e);
}

void EmitLowStock(pqxx::transaction_base& tx, const StockRow& stock) {
  v1::LowStock e;
  e.set_drop_id(stock.drop_id);
  e.set_available(stock.available);
  e.set_total(stock.total);
  Enqueue(tx, event_types::kLowStock, stock.drop_id, e);
}

void EmitRestocked(pqxx::transaction_base& tx, const StockRow& stock) {
  v1::Restocked e;
  e.set_drop_id(stock.drop_id);
  e.set_available(stock.available);
  Enqueue(tx, event_types::kRestocked, stock.drop_id, e);
}

}  // namespace livedrop::inventory
