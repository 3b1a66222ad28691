#include "livedrop/kafka/consumer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>

#include "consumer_lag.h"
#include "livedrop/metrics/registry.h"
#include "rdkafka_util.h"
#include "stop_wait.h"

namespace livedrop::kafka {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

Message ToMessage(const rd_kafka_message_t& m) {
  Message out;
  out.topic = rd_kafka_topic_name(m.rkt);
  out.partition = m.partition;
  out.offset = m.offset;
  if (m.key != nullptr) out.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload != nullptr) out.payload.assign(static_cast<const char*>(m.payload), m.len);
  rd_kafka_timestamp_type_t ts_type;
  out.timestamp_ms = rd_kafka_message_timestamp(&m, &ts_type);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(&m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0;
         rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      out.headers.emplace_back(name, value != nullptr
                                         ? std::string(static_cast<const char*>(value), size)
                                         : std::string());
    }
  }
  return out;
}

}  // namespace

struct Consumer::Impl {
  ConsumerOptions options;
  rd_kafka_t* rk = nullptr;
  bool closed = false;
  std::unique_ptr<Producer> dlq;
  std::jthread thread;
  std::atomic<uint64_t> handled{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> dead_lettered{0};
  std::atomic<int> assigned{0};
  bool uncommitted = false;
  metrics::Histogram* lag = nullptr;
  // 1 once this member has joined its group (its first assignment, even an empty one) or, a
  // broadcast reader, has assigned itself: from then on it receives what is produced.
  metrics::Gauge* joined = nullptr;
  // livedrop_kafka_consumer_lag_messages by topic, set from librdkafka's statistics (served on
  // the polling thread).
  std::map<std::string, metrics::Gauge*> offset_lag;

  // Exported from the start (at 0), so dashboards see it before the first statistics.
  void RegisterOffsetLag() {
    for (const auto& topic : options.topics) {
      offset_lag[topic] = &metrics::Registry::Default().GetGauge(
          "livedrop_kafka_consumer_lag_messages",
          "Messages in the partitions assigned to a consumer group's member that it has not "
          "handled yet (from librdkafka's statistics), by group and topic",
          {{"group", options.group_id}, {"topic", topic}});
      offset_lag[topic]->Set(0);
    }
  }

  static int OnStats(rd_kafka_t*, char* json, size_t size, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    const auto lag = internal::LagByTopic(std::string_view(json, size));
    for (auto& [topic, gauge] : self->offset_lag) {
      const auto it = lag.find(topic);
      gauge->Set(it == lag.end() ? 0.0 : static_cast<double>(it->second));
    }
    return 0;  // librdkafka frees the JSON
  }

  // From the producer's timestamp (CreateTime: when the relay handed the message over) to its
  // receipt here: the broker hop, including the producer's linger and this fetch wait.
  void ObserveLag(const rd_kafka_message_t& m) {
    rd_kafka_timestamp_type_t type;
    const int64_t produced_ms = rd_kafka_message_timestamp(&m, &type);
    if (produced_ms <= 0 || type != RD_KAFKA_TIMESTAMP_CREATE_TIME) return;
    const int64_t now_ms = std::chrono::duration_cast<milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    lag->Observe(static_cast<double>(std::max<int64_t>(0, now_ms - produced_ms)) / 1000.0);
  }

  ~Impl() {
    if (rk == nullptr) return;
    if (!closed) Close();
    rd_kafka_destroy(rk);
  }

  void CommitSync() {
    rd_kafka_resp_err_t err = rd_kafka_commit(rk, nullptr, /*async=*/0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      spdlog::warn("kafka consumer {}: commit failed: {}", options.group_id, rd_kafka_err2str(err));
    }
    uncommitted = false;
  }

  void CommitAsync() {
    rd_kafka_resp_err_t err = rd_kafka_commit(rk, nullptr, /*async=*/1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
      spdlog::warn("kafka consumer {}: commit failed: {}", options.group_id, rd_kafka_err2str(err));
    }
    uncommitted = false;
  }

  void Close() {
    if (uncommitted) CommitSync();
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka consumer {}: close: {}", options.group_id, rd_kafka_err2str(err));
    }
    if (options.broadcast) assigned = 0;
    closed = true;
  }

  void StoreOffset(const rd_kafka_message_t& m) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), rd_kafka_topic_name(m.rkt), m.partition)->offset =
        m.offset + 1;
    rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk, list.get());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Typically the partition was revoked meanwhile: its new owner sees the message again.
      spdlog::warn("kafka consumer {}: cannot store offset {}/{}@{}: {}", options.group_id,
                   rd_kafka_topic_name(m.rkt), m.partition, m.offset, rd_kafka_err2str(err));
      return;
    }
    uncommitted = true;
  }

  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      spdlog::info("kafka consumer {}: assigned {} partitions", self->options.group_id,
                   partitions->cnt);
      self->joined->Set(1);
      if (cooperative) {
        rd_kafka_error_t* error = rd_kafka_incremental_assign(rk, partitions);
        if (error != nullptr) rd_kafka_error_destroy(error);
        self->assigned += partitions->cnt;
      } else {
        rd_kafka_assign(rk, partitions);
        self->assigned = partitions->cnt;
      }
      return;
    }
    // Revoked (or lost): commit what was handled while we still own the partitions.
    spdlog::info("kafka consumer {}: revoked {} partitions", self->options.group_id,
                 partitions->cnt);
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && !rd_kafka_assignment_lost(rk) &&
        self->uncommitted) {
      self->CommitSync();
    }
    if (cooperative) {
      rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, partitions);
      if (error != nullptr) rd_kafka_error_destroy(error);
      self->assigned -= partitions->cnt;
    } else {
      rd_kafka_assign(rk, nullptr);
      self->assigned = 0;
    }
  }

  // broadcast: every partition of every topic from its current end, once the topics exist.
  bool AssignEveryPartition() {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(0));
    for (const auto& topic : options.topics) {
      // Asked by name, so a broker that creates topics on first use (the dev broker) does.
      std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> handle(
          rd_kafka_topic_new(rk, topic.c_str(), nullptr), &rd_kafka_topic_destroy);
      const rd_kafka_metadata_t* md = nullptr;
      if (rd_kafka_metadata(rk, 0, handle.get(), &md, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
      }
      std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owned(
          md, &rd_kafka_metadata_destroy);
      if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
          md->topics[0].partition_cnt == 0) {
        return false;  // not there yet
      }
      for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
        const int32_t partition = md->topics[0].partitions[i].id;
        int64_t low = 0, high = 0;
        if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &low, &high, 5000) !=
            RD_KAFKA_RESP_ERR_NO_ERROR) {
          return false;
        }
        rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = high;
      }
    }
    if (rd_kafka_assign(rk, list.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
    spdlog::info("kafka consumer {}: reading {} partitions from their end", options.client_id,
                 list->cnt);
    assigned = list->cnt;
    joined->Set(1);
    return true;
  }

  Producer& DlqProducer() {
    if (!dlq) {
      ProducerOptions po;
      po.brokers = options.brokers;
      po.client_id = options.client_id + "-dlq";
      po.settings = options.dlq_producer_settings;
      dlq = std::make_unique<Producer>(std::move(po));
    }
    return *dlq;
  }

  // How many of `batch`, from its start, are done with (all of them unless stopped first).
  size_t Handle(std::span<const Message> batch, const BatchHandler& handler,
                const std::stop_token& stop) {
    milliseconds backoff = options.retry_initial_backoff;
    std::string poison_reason;
    while (true) {
      try {
        handler(batch);
        handled.fetch_add(batch.size());
        return batch.size();
      } catch (const Error& e) {
        if (!IsRetryable(e.kind())) {
          poison_reason = e.code() + ": " + e.what();
          break;
        }
        retries.fetch_add(1);
        spdlog::warn("kafka consumer {}: {}/{}@{} (a batch of {}) failed ({}: {}), retrying",
                     options.group_id, batch.front().topic, batch.front().partition,
                     batch.front().offset, batch.size(), e.code(), e.what());
      } catch (const std::exception& e) {
        poison_reason = e.what();
        break;
      } catch (...) {
        poison_reason = "unknown exception";
        break;
      }
      if (!internal::SleepUnlessStopped(NextBackoff(backoff), stop)) return 0;
    }
    if (batch.size() == 1) return DeadLetter(batch.front(), poison_reason, stop) ? 1 : 0;
    // Which message is at fault is not known: each alone, so that only it is dead-lettered.
    spdlog::warn(
        "kafka consumer {}: a batch of {} from {}/{}@{} failed ({}), handling it one "
        "message at a time",
        options.group_id, batch.size(), batch.front().topic, batch.front().partition,
        batch.front().offset, poison_reason);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (Handle(batch.subspan(i, 1), handler, stop) == 0) return i;
    }
    return batch.size();
  }

  milliseconds NextBackoff(milliseconds& backoff) const {
    milliseconds current = backoff;
    backoff = std::min(backoff * 2, options.retry_max_backoff);
    return current;
  }

  // Returns false when stopped before the message was published.
  bool DeadLetter(const Message& msg, const std::string& poison_reason,
                  const std::stop_token& stop) {
    spdlog::error("kafka consumer {}: poison message {}/{}@{} key={} sent to {}{}: {}",
                  options.group_id, msg.topic, msg.partition, msg.offset, msg.key, msg.topic,
                  options.dlq_suffix, poison_reason);
    Headers headers = msg.headers;
    headers.emplace_back("livedrop-dlq-topic", msg.topic);
    headers.emplace_back("livedrop-dlq-partition", std::to_string(msg.partition));
    headers.emplace_back("livedrop-dlq-offset", std::to_string(msg.offset));
    headers.emplace_back("livedrop-dlq-group", options.group_id);
    headers.emplace_back("livedrop-dlq-error", poison_reason);
    milliseconds backoff = options.retry_initial_backoff;
    while (true) {
      try {
        DlqProducer().ProduceSync(msg.topic + options.dlq_suffix, msg.key, msg.payload,
                                  std::chrono::seconds(10), headers);
        dead_lettered.fetch_add(1);
        return true;
      } catch (const std::exception& e) {
        // Committing without the DLQ copy would lose the message; wait for Kafka instead.
        spdlog::warn("kafka consumer {}: cannot dead-letter {}/{}@{}: {}", options.group_id,
                     msg.topic, msg.partition, msg.offset, e.what());
      }
      if (!internal::SleepUnlessStopped(NextBackoff(backoff), stop)) return false;
    }
  }

  // The next message of the consumer, or null: none within `timeout_ms`, or an error (logged).
  MessagePtr Poll(int timeout_ms) {
    MessagePtr m(rd_kafka_consumer_poll(rk, timeout_ms));
    if (m && m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka consumer {}: {}", options.group_id, rd_kafka_message_errstr(m.get()));
      m.reset();
    }
    return m;
  }

  // Batches of up to `max_batch` until `stop` is requested, then Close().
  void Run(const BatchHandler& handler, size_t max_batch, const std::stop_token& stop) {
    if (closed) {
      throw Error(ErrorKind::kFailedPrecondition, "consumer_closed", "a Consumer runs only once");
    }
    max_batch = std::max<size_t>(max_batch, 1);
    while (options.broadcast && assigned == 0 && !AssignEveryPartition()) {
      if (!internal::SleepUnlessStopped(milliseconds(200), stop)) break;
    }
    std::vector<MessagePtr> polled;
    std::vector<Message> batch;
    auto last_commit = SteadyClock::now();
    while (!stop.stop_requested()) {
      polled.clear();
      batch.clear();
      // Waits for the first message only: the rest are those already fetched, so a batch
      // never holds a message back for company.
      for (MessagePtr m = Poll(100); m; m = polled.size() < max_batch ? Poll(0) : nullptr) {
        ObserveLag(*m);
        batch.push_back(ToMessage(*m));
        polled.push_back(std::move(m));
      }
      if (!batch.empty()) {
        const size_t done = Handle(batch, handler, stop);
        if (!options.broadcast) {
          for (size_t i = 0; i < done; ++i) StoreOffset(*polled[i]);
        }
        if (done < batch.size()) break;
      }
      // Commit when idle or every commit_interval, not per batch: one round trip per batch
      // would cap throughput, and at-least-once only needs the commit to follow the handler.
      if (uncommitted &&
          (batch.empty() || SteadyClock::now() - last_commit >= options.commit_interval)) {
        CommitAsync();
        last_commit = SteadyClock::now();
      }
    }
    Close();
  }
};

Consumer::Consumer(ConsumerOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.brokers.empty() || options.group_id.empty() || options.topics.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed",
                "kafka consumer needs brokers, a group id and topics");
  }
  impl_->options = std::move(options);
  const ConsumerOptions& o = impl_->options;
  impl_->lag = &metrics::Registry::Default().GetHistogram(
      "livedrop_kafka_consume_lag_seconds",
      "From a message's producer timestamp to its receipt by a consumer, by consumer client id",
      metrics::DefaultLatencyBuckets(), {{"consumer", o.client_id}});
  impl_->joined = &metrics::Registry::Default().GetGauge(
      "livedrop_kafka_consumer_joined",
      "1 once the consumer has joined its group (or, a broadcast reader, assigned itself every "
      "partition): events produced from then on reach it; 0 before",
      {{"group", o.group_id}});
  impl_->joined->Set(0);
  auto conf = internal::MakeConf({
      {"bootstrap.servers", o.brokers},
      {"client.id", o.client_id},
      {"group.id", o.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", std::to_string(o.fetch_wait_max.count())},
      {"session.timeout.ms", std::to_string(o.session_timeout.count())},
      {"heartbeat.interval.ms", std::to_string(o.heartbeat_interval.count())},
      // Answer as soon as one message is there (the default, pinned: latency over batching).
      {"fetch.min.bytes", "1"},
      // Requests are small and latency-bound; do not let Nagle hold one behind an unacked one.
      {"socket.nagle.disable", "true"},
  });
  if (!o.broadcast && o.lag_interval.count() > 0) {  // a broadcast reader stores no offsets
    impl_->RegisterOffsetLag();
    internal::SetOrThrow(conf.get(), "statistics.interval.ms",
                         std::to_string(o.lag_interval.count()));
    rd_kafka_conf_set_stats_cb(conf.get(), &Impl::OnStats);
  }
  for (const auto& [key, value] : o.settings) internal::SetOrThrow(conf.get(), key, value);
  rd_kafka_conf_set_opaque(conf.get(), impl_.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Impl::OnRebalance);
  impl_->rk = internal::NewClient(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(impl_->rk);

  if (o.broadcast) return;  // assigned by Run()
  PartitionListPtr topics(rd_kafka_topic_partition_list_new(static_cast<int>(o.topics.size())));
  for (const auto& topic : o.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(impl_->rk, topics.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw Error(ErrorKind::kInvalidArgument, "kafka_subscribe_failed",
                std::string("cannot subscribe: ") + rd_kafka_err2str(err));
  }
}

Consumer::~Consumer() { Stop(); }

namespace {

// A per-message handler as a batch handler, for batches of one.
Consumer::BatchHandler OneAtATime(Consumer::Handler handler) {
  return [handler = std::move(handler)](std::span<const Message> batch) { handler(batch.front()); };
}

}  // namespace

void Consumer::Run(const Handler& handler, std::stop_token stop) {
  impl_->Run(OneAtATime(handler), 1, stop);
}

void Consumer::RunBatches(const BatchHandler& handler, std::stop_token stop) {
  impl_->Run(handler, impl_->options.max_batch, stop);
}

void Consumer::Start(Handler handler) { StartThread(OneAtATime(std::move(handler)), 1); }

void Consumer::StartBatches(BatchHandler handler) {
  StartThread(std::move(handler), impl_->options.max_batch);
}

void Consumer::StartThread(BatchHandler handler, size_t max_batch) {
  if (impl_->thread.joinable() || impl_->closed) {
    throw Error(ErrorKind::kFailedPrecondition, "consumer_started", "a Consumer runs only once");
  }
  impl_->thread = std::jthread([this, handler = std::move(handler), max_batch](
                                   std::stop_token stop) { impl_->Run(handler, max_batch, stop); });
}

void Consumer::Stop() {
  if (impl_->thread.joinable()) {
    impl_->thread.request_stop();
    impl_->thread.join();
  }
}

uint64_t Consumer::handled() const { return impl_->handled.load(); }
uint64_t Consumer::retries() const { return impl_->retries.load(); }
uint64_t Consumer::dead_lettered() const { return impl_->dead_lettered.load(); }
int Consumer::assigned_partitions() const { return impl_->assigned.load(); }

}  // namespace livedrop::kafka
