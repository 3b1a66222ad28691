#include "cache/drop_view_feed.h"

#include "cache/drop_view_store.h"
#include "livedrop/core/time.h"
#include "livedrop/drops/v1/drops.pb.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/inventory/v1/inventory.pb.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/envelope.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::gateway {
namespace {

// From `since` to the views here. event "drop" and "stock": since the event's creation (for
// stock_changed: when inventory published it, right after the commit or at the end of its
// coalescing interval); "stock_commit": since the oldest change a stock_changed carries was
// committed (its changed_at), coalescing included.
void ObserveLag(const google::protobuf::Timestamp& since, const char* kind) {
  metrics::Registry::Default()
      .GetHistogram("livedrop_gateway_drop_view_event_lag_seconds",
                    "From a drop or stock event's creation (event=stock_commit: from the stock "
                    "change's commit) to the drop views of this gateway",
                    metrics::DefaultLatencyBuckets(), {{"event", kind}})
      .Observe(rpc::SecondsSince(since));
}

}  // namespace

DropViewFeed::DropViewFeed(DropViewStore& store, const std::string& brokers) : store_(store) {
  kafka::ConsumerOptions options;
  options.brokers = brokers;
  options.group_id = "livedrop-gateway-views";  // never joined: broadcast
  options.broadcast = true;  // every gateway keeps its own views
  options.client_id = "livedrop-gateway";
  options.topics = {topics::kDrops, topics::kStock};
  consumer_ = std::make_unique<kafka::Consumer>(options);
}

DropViewFeed::~DropViewFeed() { Stop(); }

void DropViewFeed::Apply(DropViewStore& store, const kafka::Message& message) {
  const auto envelope = kafka::ParseEnvelope(message.payload);
  const auto& type = envelope.type();
  if (type == event_types::kStockChanged) {
    const auto e = kafka::UnpackPayload<inventory::v1::StockChanged>(envelope);
    store.ApplyStock(e.drop_id(), e.available(), e.version());
    ObserveLag(envelope.time(), "stock");
    if (e.has_changed_at()) ObserveLag(e.changed_at(), "stock_commit");
    return;
  }
  if (type == event_types::kDropStarted) {
    store.ApplyDrop(kafka::UnpackPayload<drops::v1::DropStarted>(envelope).drop());
  } else if (type == event_types::kDropEnded) {
    store.ApplyDrop(kafka::UnpackPayload<drops::v1::DropEnded>(envelope).drop());
  } else if (type == event_types::kDropCancelled) {
    store.ApplyDrop(kafka::UnpackPayload<drops::v1::DropCancelled>(envelope).drop());
  } else {
    return;  // drop_scheduled creates a drop no view holds yet; other types change no view
  }
  ObserveLag(envelope.time(), "drop");
}

void DropViewFeed::Start() {
  if (!store_.enabled()) return;
  consumer_->Start([this](const kafka::Message& message) { Apply(store_, message); });
}

void DropViewFeed::Stop() { consumer_->Stop(); }

bool DropViewFeed::Ready() const {
  return !store_.enabled() || consumer_->assigned_partitions() > 0;
}

}  // namespace livedrop::gateway
