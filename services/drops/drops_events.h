#pragma once

#include "drops_logic.h"

namespace pqxx {
class transaction_base;
}

// The drop_* events, each written to the outbox (topic livedrop.drops, key drop id) in the
// caller's transaction, carrying the drop as it is after the change.
namespace livedrop::drops {

void EmitDropScheduled(pqxx::transaction_base& tx, const DropRow& drop);
// With the scheduled start, so a consumer can tell how late the drop went live.
void EmitDropStarted(pqxx::transaction_base& tx, const DropRow& drop);
void EmitDropEnded(pqxx::transaction_base& tx, const DropRow& drop);
void EmitDropCancelled(pqxx::transaction_base& tx, const DropRow& drop);

}  // namespace livedrop::drops
