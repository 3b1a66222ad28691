#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livedrop::kafka {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ProducerOptions {
  std::string brokers;  // bootstrap.servers
  std::string client_id = "livedrop";
  // How long librdkafka keeps retrying one message before reporting it failed
  // (message.timeout.ms).
  std::chrono::milliseconds delivery_timeout{30000};
  // How long a message waits for others to share its request (linger.ms). Every event hop
  // pays it once when idle; under load librdkafka batches what queued while a request was in
  // flight anyway, so a small value costs little throughput. Was 5 ms.
  std::chrono::milliseconds linger{1};
  // Extra librdkafka settings (security.protocol, sasl.*, linger.ms, ...), applied last.
  std::map<std::string, std::string> settings;
};

struct DeliveryResult {
  bool ok = false;
  std::string error;  // librdkafka's reason when !ok
  // When !ok: Kafka will never take this message as it is (too large, malformed), so sending
  // it again cannot help. Otherwise the failure is the cluster's (down, slow, misconfigured).
  bool permanent = false;
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

// An idempotent producer (enable.idempotence=true, acks=all): retries never duplicate or
// reorder messages within a partition. A background thread serves delivery reports, so
// callbacks run on that thread and must be quick. Thread-safe.
class Producer {
 public:
  using DeliveryCallback = std::function<void(const DeliveryResult&)>;

  explicit Producer(ProducerOptions options);
  // Waits up to 5 s for queued messages; any still undelivered get a failed report.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a message. `on_delivery` (optional) is called exactly once with the outcome.
  // Throws Error(kUnavailable, "producer_queue_full") when the local queue is full,
  // Error(kInvalidArgument, "message_rejected") when the message can never be sent as it is
  // (larger than message.max.bytes, say), or Error(kUnavailable, "produce_failed") for other
  // immediate failures (on_delivery is then not called).
  void Produce(std::string_view topic, std::string_view key, std::string_view value,
               DeliveryCallback on_delivery = {}, const Headers& headers = {});

  // Produces and waits for the broker's acknowledgement. Throws
  // Error(kUnavailable, "broker_unavailable") when delivery fails or `timeout` passes first
  // (the message may still be delivered later: callers needing exactly-once dedupe).
  DeliveryResult ProduceSync(std::string_view topic, std::string_view key, std::string_view value,
                             std::chrono::milliseconds timeout, const Headers& headers = {});

  // Waits until every queued message has a delivery report; false on timeout.
  bool Flush(std::chrono::milliseconds timeout);

  // Messages queued or in flight, not yet reported.
  int OutQueueLength() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::kafka
