#include "drops_events.h"

#include <pqxx/pqxx>

#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/outbox.h"

namespace livedrop::drops {
namespace {

constexpr char kTopic[] = "livedrop.drops";

v1::DropStatus ProtoStatus(DropStatus s) {
  switch (s) {
    case DropStatus::kScheduled:
      return v1::DROP_STATUS_SCHEDULED;
    case DropStatus::kLive:
      return v1::DROP_STATUS_LIVE;
    case DropStatus::kSoldOut:
      return v1::DROP_STATUS_SOLD_OUT;
    case DropStatus::kEnded:
      return v1::DROP_STATUS_ENDED;
    case DropStatus::kCancelled:
      return v1::DROP_STATUS_CANCELLED;
  }
  return v1::DROP_STATUS_UNSPECIFIED;
}

}  // namespace

void ToProto(const ProductRow& row, v1::Product& out) {
  out.set_id(row.id);
  out.set_creator_id(row.creator_id);
  out.set_title(row.fields.title);
  out.set_description(row.fields.description);
  out.mutable_price()->set_unit_amount(row.fields.unit_amount);
  out.mutable_price()->set_currency(row.fields.currency);
  for (const auto& url : row.fields.image_urls) out.add_image_urls(url);
  rpc::SetTimestamp(row.created_at, out.mutable_created_at());
}

void ToProto(const DropRow& row, const ProductRow* product, v1::Drop& out) {
  out.set_id(row.id);
  out.set_creator_id(row.creator_id);
  out.set_product_id(row.product_id);
  rpc::SetTimestamp(row.fields.starts_at, out.mutable_starts_at());
  rpc::SetTimestamp(row.fields.ends_at, out.mutable_ends_at());
  out.set_quantity(row.fields.quantity);
  out.set_per_buyer_limit(row.fields.per_buyer_limit);
  out.set_status(ProtoStatus(row.status));
  out.set_available(row.status == DropStatus::kSoldOut ? 0 : row.fields.quantity);
  if (product != nullptr) ToProto(*product, *out.mutable_product());
}

void EmitDropEvent(pqxx::transaction_base& tx, const char* type, const DropRow& row) {
  v1::Drop drop;
  ToProto(row, nullptr, drop);
  const std::string kind(type);
  const auto* call = rpc::CurrentInboundCall();
  const std::string trace = call ? call->trace_parent : "";
  auto enqueue = [&](const google::protobuf::Message& payload) {
    kafka::EnqueueEvent(tx, kTopic,
                        kafka::MakeEnvelope(kind, rpc::ServiceName(), row.id, payload, trace));
  };
  if (kind == "drop_started") {
    v1::DropStarted e;
    *e.mutable_drop() = drop;
    *e.mutable_scheduled_start() = drop.starts_at();
    enqueue(e);
  } else if (kind == "drop_ended") {
    v1::DropEnded e;
    *e.mutable_drop() = drop;
    enqueue(e);
  } else if (kind == "drop_cancelled") {
    v1::DropCancelled e;
    *e.mutable_drop() = drop;
    enqueue(e);
  } else {
    v1::DropScheduled e;
    *e.mutable_drop() = drop;
    enqueue(e);
  }
}

}  // namespace livedrop::drops
