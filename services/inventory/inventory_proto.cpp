#include "inventory_proto.h"

#include "livedrop/grpc/proto_values.h"

namespace livedrop::inventory {
namespace {

v1::ReservationState ProtoState(ReservationState state) {
  switch (state) {
    case ReservationState::kHeld:
      return v1::RESERVATION_STATE_HELD;
    case ReservationState::kConfirmed:
      return v1::RESERVATION_STATE_CONFIRMED;
    case ReservationState::kReleased:
      return v1::RESERVATION_STATE_RELEASED;
    case ReservationState::kExpired:
      return v1::RESERVATION_STATE_EXPIRED;
  }
  return v1::RESERVATION_STATE_UNSPECIFIED;
}

}  // namespace

void ToProto(const StockRow& s, v1::Stock& out) {
  out.set_drop_id(s.drop_id);
  out.set_total(s.total);
  out.set_available(s.available);
  out.set_reserved(s.reserved);
  out.set_sold(s.sold);
  out.set_per_buyer_limit(s.per_buyer_limit);
  out.set_version(s.version);
}

void ToProto(const ReservationRow& r, v1::Reservation& out) {
  out.set_order_id(r.order_id);
  out.set_drop_id(r.drop_id);
  out.set_buyer_id(r.buyer_id);
  out.set_quantity(r.quantity);
  out.set_state(ProtoState(r.state));
  rpc::SetTimestamp(r.expires_at, out.mutable_expires_at());
}

StockRow FromProto(const v1::Stock& s) {
  StockRow row;
  row.drop_id = s.drop_id();
  row.total = s.total();
  row.available = s.available();
  row.reserved = s.reserved();
  row.sold = s.sold();
  row.per_buyer_limit = s.per_buyer_limit();
  row.version = s.version();
  return row;
}

}  // namespace livedrop::inventory
