#pragma once

#include <string>

#include "livedrop/events/v1/envelope.pb.h"
#include "orders_logic.h"

namespace pqxx {
class transaction_base;
}

// The order_* events, each written to the outbox (topic livedrop.orders, key order id) in the
// caller's transaction.
namespace livedrop::orders {

void EmitOrderPlaced(pqxx::transaction_base& tx, const OrderRow& order);
// order_confirmed, order_failed (its reason the order's failure code) or order_cancelled, by
// the order's status — order_refunded (its reason the failure code) for a cancelled order
// whose charge was refunded; Error(kInternal) for an order still pending.
void EmitOrderOutcome(pqxx::transaction_base& tx, const OrderRow& order);

// The same events as envelopes, for writes coalesced across requests (kafka::EnqueueEvents,
// topic kOrdersTopic), each carrying the trace parent of the request that caused it.
extern const char* const kOrdersTopic;
events::v1::Envelope OrderPlacedEvent(const OrderRow& order, const std::string& trace_parent);
events::v1::Envelope OrderOutcomeEvent(const OrderRow& order, const std::string& trace_parent);

}  // namespace livedrop::orders
