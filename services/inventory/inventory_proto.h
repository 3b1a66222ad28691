#pragma once

#include "inventory_logic.h"
#include "livedrop/inventory/v1/inventory.pb.h"

namespace livedrop::inventory {

// The one mapping between our rows and their v1 messages, for the gRPC answers and for the
// stock views cached in Redis alike.
void ToProto(const StockRow& s, v1::Stock& out);
void ToProto(const ReservationRow& r, v1::Reservation& out);
// The columns v1::Stock carries, and the version; not the low-stock bookkeeping.
StockRow FromProto(const v1::Stock& s);

}  // namespace livedrop::inventory
