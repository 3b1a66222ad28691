#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "livedrop/core/error.h"
#include "livedrop/kafka/producer.h"

namespace livedrop::kafka {

struct Message {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string payload;
  Headers headers;
  int64_t timestamp_ms = -1;  // broker or producer time; -1 when unknown
};

struct ConsumerOptions {
  std::string brokers;  // bootstrap.servers
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "livedrop";
  // How long the broker may hold a fetch that found nothing (fetch.wait.max.ms). A real Kafka
  // broker answers as soon as data arrives, so this only sets how often an idle consumer asks;
  // the dev broker (librdkafka's mock cluster) holds an empty fetch for the whole wait and does
  // not cut it short, so there it is the latency of every hop. librdkafka's 500 ms default cost
  // up to 500 ms per hop; 10 ms costs an idle consumer 100 small requests a second.
  std::chrono::milliseconds fetch_wait_max{10};
  // How long the group waits for a member that stopped heartbeating (session.timeout.ms)
  // before its partitions go to the others: the stall after an instance is killed (one that
  // stops cleanly leaves at once). librdkafka's 45 s default held a killed inventory's drop
  // events back for most of a minute; heartbeats go every heartbeat_interval.
  std::chrono::milliseconds session_timeout{10000};
  std::chrono::milliseconds heartbeat_interval{1000};
  // Backoff between attempts at a message whose handler failed with a retryable error.
  std::chrono::milliseconds retry_initial_backoff{100};
  std::chrono::milliseconds retry_max_backoff{5000};
  // Handled offsets are committed at least this often (and on stop and on rebalance).
  std::chrono::milliseconds commit_interval{500};
  // Most messages a batch handler (RunBatches, StartBatches) gets at once: the one a poll
  // waited for plus those already fetched, taken without waiting for more (no linger).
  size_t max_batch = 64;
  std::string dlq_suffix = ".dlq";
  // Every instance reads every partition, from the end as it was when it started: no group to
  // join (so no rebalance delay, 3 s on a new group, and no group left behind per instance) and
  // nothing committed. For fan-out to an instance's own clients (the gateway's feeds). Ready
  // (assigned_partitions() > 0) once each topic's end offsets are read: anything produced after
  // that is delivered. Partitions added to a topic later are not read until a restart.
  bool broadcast = false;
  // How often the offset lag (livedrop_kafka_consumer_lag_messages{group,topic}: messages in
  // the assigned partitions not handled yet) is measured, from librdkafka's statistics.
  std::chrono::milliseconds lag_interval{15000};
  // Extra librdkafka consumer settings, applied last (they override the fields above).
  std::map<std::string, std::string> settings;
  // Extra librdkafka settings for the dead-letter producer (e.g. security.*).
  std::map<std::string, std::string> dlq_producer_settings;
};

// A consumer-group member (or, with `broadcast`, a reader of every partition) with at-least-once
// delivery: an offset is committed only after the handler returned for that message.
//
// A handler gets a batch: one message (Run, Start), or with RunBatches/StartBatches the one a
// poll waited for and those already fetched behind it, up to max_batch (taken without waiting,
// so an idle consumer's latency is a single message's).
//
// Handler outcomes:
//  - returns: every message of the batch is done; their offsets are stored and committed soon
//    after.
//  - throws livedrop::Error with a retryable kind: the same batch is retried with capped
//    exponential backoff until it succeeds or the consumer stops; it is never skipped, and
//    nothing after it on this consumer is handled meanwhile.
//  - throws anything else, for a batch of several: the batch is handled again one message at a
//    time, each with these outcomes, so that only the message at fault is dead-lettered.
//  - throws anything else, for one message: a poison message. It is logged, published to
//    `<topic><dlq_suffix>` with headers naming its origin and the error, then committed.
//
// A message retried for longer than max.poll.interval.ms (5 min by default) costs this member
// its partitions; the new owner starts again from the last commit, so nothing is lost.
//
// A Consumer runs once: Run() (or Start()/Stop()) ends by committing what was handled and
// leaving the group. Handlers run on the consuming thread, one batch at a time.
class Consumer {
 public:
  using Handler = std::function<void(const Message&)>;
  using BatchHandler = std::function<void(std::span<const Message>)>;

  explicit Consumer(ConsumerOptions options);
  ~Consumer();  // Stop()s if started
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Consumes on the calling thread until `stop` is requested.
  void Run(const Handler& handler, std::stop_token stop);
  void RunBatches(const BatchHandler& handler, std::stop_token stop);

  // Runs on a background thread; Stop() requests the stop and waits for the clean exit.
  void Start(Handler handler);
  void StartBatches(BatchHandler handler);
  void Stop();

  uint64_t handled() const;         // messages whose handler returned
  uint64_t retries() const;         // retryable failures
  uint64_t dead_lettered() const;   // poison messages sent to the DLQ
  int assigned_partitions() const;  // partitions this member owns now (0 before it joined)

 private:
  struct Impl;
  void StartThread(BatchHandler handler, size_t max_batch);
  std::unique_ptr<Impl> impl_;
};

}  // namespace livedrop::kafka
