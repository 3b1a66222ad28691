#pragma once

#include "drops_store.h"
#include "livedrop/drops/v1/drops.pb.h"

namespace pqxx {
class transaction_base;
}

// Domain rows ↔ proto, and the drop events written to the outbox.
namespace livedrop::drops {

void ToProto(const ProductRow& row, v1::Product& out);
// `available` is the quantity until the inventory service reports stock (buying issue).
void ToProto(const DropRow& row, const ProductRow* product, v1::Drop& out);

// Enqueues drop_scheduled | drop_started | drop_ended | drop_cancelled for the row, in tx.
void EmitDropEvent(pqxx::transaction_base& tx, const char* type, const DropRow& row);

}  // namespace livedrop::drops
